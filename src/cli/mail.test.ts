import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dialectsToTest, persistentDatabase } from '../../test/helpers/databases.ts';
import { loadConfig } from '../config/config.ts';
import { migrate } from '../db/migrate.ts';
import { queueMail, getMail } from '../mail/outbox.ts';
import { mailListLines, mailShowText } from './mail.ts';

const cli = (url: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'mail', ...args], {
    encoding: 'utf8',
    env: { ...process.env, DMAPID_DATABASE: url, DMAPID_LOG_LEVEL: 'silent', DMAPID_SMTP_HOST: '' },
    timeout: 60_000,
  });

for (const dialect of dialectsToTest()) {
  describe(`dmapid mail [${dialect}]`, () => {
    it('lists and shows held mails, and will not queue them without a relay', async () => {
      const pdb = await persistentDatabase(dialect);
      try {
        const handle = pdb.open();
        const config = loadConfig({}, { database: pdb.url, mailFrom: 'Platform <robot@platform.example>' });
        const now = Date.parse('2026-02-01T10:00:00Z');
        let id = 0;
        try {
          await migrate(handle);
          id = await queueMail({ db: handle.db, now, deps: { config } }, { to: 'owner@example.org', kind: 'whois-verification', subject: 'Please confirm', body: 'Open the link.\n' });
          const row = (await getMail(handle.db, id))!;
          assert.deepEqual(mailListLines([row]), [`${id}\t2026-02-01T10:00:00Z\theld\towner@example.org\twhois-verification\tPlease confirm`]);
          assert.equal(
            mailShowText(row),
            `X-Outbox-Id: ${id}\nX-Outbox-Status: held\nX-Outbox-Attempts: 0\nMessage-ID: ${row.message_id}\nDate: Sun, 01 Feb 2026 10:00:00 GMT\n` +
              'From: Platform <robot@platform.example>\nTo: owner@example.org\nSubject: Please confirm\n\nOpen the link.\n',
          );
        } finally {
          await handle.close();
        }

        const list = cli(pdb.url, 'list', '--status', 'held');
        assert.equal(list.status, 0, list.stderr);
        assert.equal(list.stdout, `id\tcreated\tstatus\tto\tkind\tsubject\n${id}\t2026-02-01T10:00:00Z\theld\towner@example.org\twhois-verification\tPlease confirm\n`);
        const show = cli(pdb.url, 'show', String(id));
        assert.equal(show.status, 0, show.stderr);
        assert.match(show.stdout, /^X-Outbox-Id: \d+\nX-Outbox-Status: held\n/);
        assert.match(show.stdout, /\nSubject: Please confirm\n\nOpen the link\.\n$/);
        const send = cli(pdb.url, 'send', String(id));
        assert.equal(send.status, 1);
        assert.match(send.stderr, /no SMTP relay configured/);
      } finally {
        await pdb.drop();
      }
    });
  });
}
