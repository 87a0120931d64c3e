import { DmapiError } from '../../dmapi/errors.ts';
import { mailDate } from '../../mail/templates.ts';
import { answerTransferOut, describeTransferOut, gainingLabel, TRANSFER_OUT_PAGE } from '../../services/transfer-out.ts';
import type { AnswerKind } from '../answer-kinds.ts';

/** A foreign registrar (or another account of this registrar) asked for one of a reseller's domains: the reseller rejects it or lets it go now. */
export const transferOutAnswerKind: AnswerKind = {
  kind: TRANSFER_OUT_PAGE,
  async prompt(db, key) {
    const t = await describeTransferOut(db, key);
    if (!t) return undefined;
    const prompt = { title: `Transfer of ${t.domain} to ${gainingLabel(t)}`, yes: 'Let it go now', no: 'Reject the transfer' };
    if (t.state !== 'pending') return { ...prompt, paragraphs: [`This transfer has been answered or has ended (${t.state}).`], no: '', cannotAccept: 'answered already' };
    return {
      ...prompt,
      paragraphs: [
        `${t.transfer_in_id !== null ? 'Another account of this registrar' : `The registrar ${t.gaining}`} has asked to take over ${t.domain}.`,
        `Unless you reject it, the domain is transferred on ${mailDate(t.act_by)} and leaves your account.`,
      ],
    };
  },
  async answer(ctx, key, answer) {
    const out = await answerTransferOut(ctx, { key }, answer === 'yes' ? 'approve' : 'reject');
    if (out.outcome === 'unknown') throw new DmapiError('OBJECT_NOT_FOUND', 'This link is not valid.');
    if (out.outcome === 'closed') throw new DmapiError('STATUS_PROHIBITS', `The transfer of ${out.domain} has been answered or has ended (${out.state}).`);
    if (out.outcome === 'approving') return { title: 'Transfer approved', paragraphs: [`${out.domain} is released to ${out.gaining}.`] };
    return { title: 'Transfer rejected', paragraphs: [`The transfer of ${out.domain} to ${out.gaining} is rejected; the domain stays in your account.`] };
  },
};
