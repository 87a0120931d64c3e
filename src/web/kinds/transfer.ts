import { DmapiError } from '../../dmapi/errors.ts';
import { mailDate } from '../../mail/templates.ts';
import { answerFoa, describeFoa, TRANSFER_PAGE } from '../../services/transfers.ts';
import type { AnswerKind } from '../answer-kinds.ts';

/** The FOA of a transfer-in: the domain's owner (or admin) confirms or stops the transfer. */
export const transferAnswerKind: AnswerKind = {
  kind: TRANSFER_PAGE,
  async prompt(db, key, now) {
    const v = await describeFoa(db, key);
    if (!v) return undefined;
    const prompt = {
      title: `Transfer of ${v.domain}`,
      paragraphs: [
        `A transfer of the domain ${v.domain} to this registrar was requested. It is currently held by ${v.losing}.`,
        'Please confirm the transfer if you asked for it. If you did not, answer "No": the domain stays where it is.',
      ],
      yes: 'Yes, transfer the domain',
      no: 'No, stop the transfer',
    };
    if (v.state !== 'FOA_BEEN_SENT') return { ...prompt, paragraphs: [`The transfer of ${v.domain} was answered already or has ended (${v.state}).`], no: '', cannotAccept: 'answered already' };
    if (v.deadline <= now) return { ...prompt, paragraphs: [`The time to confirm the transfer of ${v.domain} ended on ${mailDate(v.deadline)}.`], no: '', cannotAccept: 'expired' };
    return { ...prompt, paragraphs: [...prompt.paragraphs, `Please answer by ${mailDate(v.deadline)}.`] };
  },
  async answer(ctx, key, answer) {
    const out = await answerFoa(ctx, key, answer);
    if (out.outcome === 'unknown') throw new DmapiError('OBJECT_NOT_FOUND', 'This transfer link is not valid.');
    if (out.outcome === 'closed') throw new DmapiError('STATUS_PROHIBITS', `The transfer of ${out.domain} was answered already or has ended (${out.state}).`);
    if (out.outcome === 'expired') throw new DmapiError('STATUS_PROHIBITS', `The time to confirm the transfer of ${out.domain} has ended; the transfer was cancelled.`);
    if (out.outcome === 'refused') return { title: 'Transfer stopped', paragraphs: [`The transfer of ${out.domain} was stopped. The domain stays with its current registrar.`] };
    return { title: 'Transfer confirmed', paragraphs: [`Thank you. The transfer of ${out.domain} is now requested at the registry; the current registrar has up to 5 days to release it.`] };
  },
};
