import { DmapiError } from '../../dmapi/errors.ts';
import { mailDate } from '../../mail/templates.ts';
import { answerVerification, describeVerification, VERIFY_PAGE } from '../../services/verification.ts';
import type { AnswerKind } from '../answer-kinds.ts';

/** The whois e-mail verification link: "is this your address, and are these your domains?" */
export const verifyEmailAnswerKind: AnswerKind = {
  kind: VERIFY_PAGE,
  async prompt(db, key) {
    const v = await describeVerification(db, key);
    if (!v) return undefined;
    if (v.status === 'verified') {
      return { title: 'E-mail address confirmed', paragraphs: [`The address ${v.email} is confirmed already. Nothing more to do.`], yes: '', no: '', cannotAccept: 'confirmed already' };
    }
    const paragraphs = [`The address ${v.email} was given as the owner's e-mail address of:`, v.domains.join(', ') || '(no domain waits for it any more)'];
    if (v.deadline !== null) paragraphs.push(`Please confirm by ${mailDate(v.deadline)}; until the address is confirmed after that, the domain is suspended.`);
    paragraphs.push('Answer "No" if this is not your address or you did not register these domains: they will be suspended.');
    return { title: 'Confirm your e-mail address', paragraphs, yes: 'Yes, this is my address', no: 'No' };
  },
  async answer(ctx, key, answer) {
    const out = await answerVerification(ctx, key, answer);
    if (out.outcome === 'unknown') throw new DmapiError('OBJECT_NOT_FOUND', 'This verification link is not valid.');
    if (out.outcome === 'closed') throw new DmapiError('STATUS_PROHIBITS', 'This address is confirmed already; the answer was not changed.');
    if (out.outcome === 'verified') {
      return { title: 'Thank you: e-mail address confirmed', paragraphs: [`${out.email} is confirmed.`, ...(out.domains.length ? [`Domains: ${out.domains.join(', ')}. Any suspension for this verification has been lifted.`] : [])] };
    }
    return { title: 'Answer recorded', paragraphs: [`${out.email} is recorded as not confirmed.`, ...(out.domains.length ? [`The domains ${out.domains.join(', ')} are suspended.`] : [])] };
  },
};
