import { mailDate } from '../../mail/templates.ts';
import { answerInvitation, describeTerms, findInvitation, GRANT_PAGE, renewalPrice } from '../../services/grants.ts';
import type { AnswerKind } from '../answer-kinds.ts';

/** A grant invitation: the account with the invited address accepts or declines the role. */
export const grantAnswerKind: AnswerKind = {
  kind: GRANT_PAGE,
  async prompt(db, key, now, deps) {
    const v = await findInvitation(db, key, now);
    if (!v) return undefined;
    const { grant } = v;
    const what =
      grant.role === '@creator'
        ? `${v.inviterLogin} offers to move the domain ${v.domain} into your portfolio (role @creator). Your account pays its renewals from then on.`
        : `${v.inviterLogin} offers you the role ${grant.role} on the domain ${v.domain}.`;
    const paragraphs = [what];
    if (v.terms) {
      // The renewal price at the prices of the account that would accept (the only one, or the first of several).
      const candidate = v.candidates[0] && (await db.selectFrom('accounts').selectAll().where('id', '=', v.candidates[0].id).executeTakeFirst());
      const domain = await db.selectFrom('domains').select(['name', 'tld']).where('id', '=', grant.domain_id).executeTakeFirstOrThrow();
      const price = candidate ? await renewalPrice(deps, db, candidate, domain, now) : undefined;
      paragraphs.push(...describeTerms(v.terms, v.domain, price));
    }
    paragraphs.push(`The invitation was sent to ${grant.email}.`);
    if (grant.expires_at !== null) paragraphs.push(`It can be accepted until ${mailDate(grant.expires_at)}.`);
    const prompt = { title: 'Invitation', paragraphs, yes: 'Accept', no: 'Decline' };
    if (v.candidates.length === 0) {
      return { ...prompt, cannotAccept: `There is no account with the e-mail address ${grant.email} on this platform yet. Ask the platform's operator for one, then open this link again.` };
    }
    if (v.candidates.length > 1) return { ...prompt, choice: { name: 'login', label: 'Accept for the account', options: v.candidates.map((c) => c.login) } };
    return { ...prompt, paragraphs: [...paragraphs, `Accepting gives the role to the account ${v.candidates[0]!.login}.`] };
  },
  async answer(ctx, key, answer, form) {
    const out = await answerInvitation(ctx, key, answer, form['login'] || undefined);
    if (out.outcome === 'declined') return { title: 'Invitation declined', paragraphs: [`You declined ${out.role} on ${out.domain}.`] };
    if (out.moved) return { title: 'Domain moved', paragraphs: [`${out.domain} is now in the portfolio of ${out.login}.`] };
    return { title: 'Invitation accepted', paragraphs: [`${out.login} now has the role ${out.role} on ${out.domain}.`] };
  },
};
