import { sql } from 'kysely';
import { transactional, type MigrationContext } from './helpers.ts';

/**
 * A trigram index over domain names, for patterns without a literal start (`*xyz*`), which no
 * ordinary index serves (globMatch, sql-helpers.ts):
 *
 * - SQLite: an FTS5 table with the trigram tokenizer, kept by triggers as an external-content
 *   index of `domains.name` (rowid = domains.id); globMatch narrows to the ids it finds.
 * - PostgreSQL: pg_trgm's GIN operator class on the expression globMatch compares, which the
 *   planner uses for LIKE '%xyz%' by itself. The extension is trusted (PostgreSQL 13+), so a role
 *   that may create in the database may install it; where neither is possible the index is left
 *   out and patterns work as before, only slower.
 */
export const nameTrigrams = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    if (ctx.dialect === 'sqlite') {
      await sql`create virtual table domains_name_trgm using fts5(name, content='domains', content_rowid='id', tokenize='trigram')`.execute(db);
      await sql`create trigger domains_name_trgm_insert after insert on domains begin insert into domains_name_trgm (rowid, name) values (new.id, new.name); end`.execute(db);
      await sql`create trigger domains_name_trgm_delete after delete on domains begin insert into domains_name_trgm (domains_name_trgm, rowid, name) values ('delete', old.id, old.name); end`.execute(db);
      await sql`create trigger domains_name_trgm_update after update of name on domains begin insert into domains_name_trgm (domains_name_trgm, rowid, name) values ('delete', old.id, old.name); insert into domains_name_trgm (rowid, name) values (new.id, new.name); end`.execute(db);
      await sql`insert into domains_name_trgm (domains_name_trgm) values ('rebuild')`.execute(db);
      return;
    }
    const { rows } = await sql<{ ok: boolean }>`
      select exists (select 1 from pg_extension where extname = 'pg_trgm')
          or (exists (select 1 from pg_available_extensions where name = 'pg_trgm')
              and (has_database_privilege(current_database(), 'CREATE') or (select rolsuper from pg_roles where rolname = current_user))) as ok`.execute(db);
    if (!rows[0]?.ok) return;
    // In public, once per database: every schema (tests use one each) finds its operator class there.
    // Migrations of several schemas at once wait for each other here rather than race to create it.
    await sql`select pg_advisory_xact_lock(hashtext('dmapid:pg_trgm'))`.execute(db);
    await sql`create extension if not exists pg_trgm schema public`.execute(db);
    await sql`create index domains_name_trgm on domains using gin ((lower(name collate "C")) public.gin_trgm_ops)`.execute(db);
  });
