import type { Command } from 'commander';
import { isoSeconds } from '../core/dates.ts';
import { dnssecKek } from '../zone/dnssec-keys.ts';
import { startKskRollover } from '../zone/dnssec.ts';
import { printList } from './list-output.ts';
import { withDb } from './with-db.ts';

/** `dmapid dnssec keys|roll-ksk`: the signing keys of hosted zones, and the manual start of a KSK rollover. */
export function registerDnssecCommands(program: Command): void {
  const dnssec = program.command('dnssec').description('DNSSEC signing of hosted zones ($dnssec=yes)');
  dnssec
    .command('keys [zone]')
    .description('the keys of every signed zone (or of one): zone, role, algorithm, key tag, state and since when; the zone status and where its DS stands')
    .action(async (zone?: string) => {
      await withDb(async (db) => {
        let q = db
          .selectFrom('dnssec_keys')
          .innerJoin('zones', 'zones.id', 'dnssec_keys.zone_id')
          .innerJoin('dnssec_zones', 'dnssec_zones.zone_id', 'dnssec_keys.zone_id')
          .select(['zones.name', 'dnssec_keys.role', 'dnssec_keys.algorithm', 'dnssec_keys.key_tag', 'dnssec_keys.state', 'dnssec_keys.state_since', 'dnssec_zones.status', 'dnssec_zones.ds_state'])
          .orderBy('zones.name')
          .orderBy('dnssec_keys.id');
        if (zone) q = q.where('zones.name', '=', zone.toLowerCase().replace(/\.$/, ''));
        const lines = (await q.execute()).map((k) => [k.name, k.role, k.algorithm, k.key_tag, k.state, isoSeconds(k.state_since), k.status, k.ds_state].join('\t'));
        printList(['zone', 'role', 'alg', 'tag', 'state', 'since', 'zone_status', 'ds'], lines, 'no signed zones');
      });
    });
  dnssec
    .command('roll-ksk <zone>')
    .description('starts a KSK double-signature rollover: a new KSK signs beside the old one now; the dnssec-maintenance task sends the new DS to the registry and removes the old KSK after DMAPID_DNSSEC_ROLLOVER_WAIT')
    .action(async (zone: string) => {
      await withDb(async (db, now, config, _dialect, _keys, secret) => {
        const name = zone.toLowerCase().replace(/\.$/, '');
        await startKskRollover({ db, config, dnssecKek: dnssecKek(config, secret) }, name, now);
        console.log(`${name}: KSK rollover started (new KSK published and signing)`);
      });
    });
}
