import { DmapiError } from '../../dmapi/errors.ts';
import { mailDate } from '../../mail/templates.ts';
import { answerOwnerChange, COR_PAGE, describeOwnerChange } from '../../services/owner-change.ts';
import type { AnswerKind } from '../answer-kinds.ts';

/** The current registrant confirms or refuses a change of registrant (IRTP-C). */
export const ownerChangeAnswerKind: AnswerKind = {
  kind: COR_PAGE,
  async prompt(db, key, now) {
    const v = await describeOwnerChange(db, key);
    if (!v) return undefined;
    const { change, fields } = v;
    const prompt = { title: `Change of registrant: ${change.domain}`, yes: 'Yes, change the registrant', no: 'No, refuse the change' };
    if (change.state !== 'pending') return { ...prompt, paragraphs: [`This change has been answered or has ended (${change.state}).`], no: '', cannotAccept: 'answered already' };
    if (change.deadline_at <= now) return { ...prompt, paragraphs: [`The time to confirm this change ended on ${mailDate(change.deadline_at)}.`], no: '', cannotAccept: 'expired' };
    const newOwner = [fields.name, fields.organization, fields.email].filter(Boolean).join(', ');
    return {
      ...prompt,
      paragraphs: [
        `The registrant of ${change.domain} is to change from ${v.currentName || 'the current registrant'} to ${newOwner}.`,
        change.lock_opt_out ? 'The domain will not be locked against transfers afterwards (opted out).' : 'Afterwards the domain cannot be transferred to another registrar for 60 days.',
        `Please answer by ${mailDate(change.deadline_at)}.`,
      ],
    };
  },
  async answer(ctx, key, answer) {
    const out = await answerOwnerChange(ctx, key, answer);
    if (out.outcome === 'unknown') throw new DmapiError('OBJECT_NOT_FOUND', 'This confirmation link is not valid.');
    if (out.outcome === 'closed') throw new DmapiError('STATUS_PROHIBITS', `The change of registrant of ${out.domain} has been answered already.`);
    if (out.outcome === 'expired') throw new DmapiError('STATUS_PROHIBITS', `The time to confirm the change of registrant of ${out.domain} has ended.`);
    if (out.outcome === 'rejected') return { title: 'Change refused', paragraphs: [`The registrant of ${out.domain} stays as it is.`] };
    return { title: 'Change confirmed', paragraphs: [`Thank you. The registrant of ${out.domain} is being changed now.`] };
  },
};
