import type { AppDeps } from '../app-deps.ts';
import type { Executor } from '../db/database.ts';
import type { MailContext } from '../mail/outbox.ts';
import { grantAnswerKind } from './kinds/grant.ts';
import { ownerChangeAnswerKind } from './kinds/owner-change.ts';
import { transferAnswerKind } from './kinds/transfer.ts';
import { transferOutAnswerKind } from './kinds/transfer-out.ts';
import { verifyEmailAnswerKind } from './kinds/verify-email.ts';

/** What the page shows before the person answers. Texts are plain; the page escapes them. */
export interface AnswerPrompt {
  title: string;
  paragraphs: string[];
  yes: string;
  no: string;
  /** Set when accepting is not possible now (the reason is shown; declining still is). */
  cannotAccept?: string;
  /** A choice sent along with the accept button, e.g. which of several accounts accepts. */
  choice?: { name: string; label: string; options: string[] };
}

export interface AnswerDone {
  title: string;
  paragraphs: string[];
}

/**
 * One kind of answer page: `/answer/<kind>/<key>`. `prompt` only reads (mail scanners fetch links);
 * `answer` runs in a transaction when the person presses a button, and throws a DmapiError whose
 * text the page shows when the answer cannot be taken.
 */
export interface AnswerKind {
  readonly kind: string;
  prompt(db: Executor, key: string, now: number, deps: AppDeps): Promise<AnswerPrompt | undefined>;
  answer(ctx: MailContext, key: string, answer: 'yes' | 'no', form: Readonly<Record<string, string>>): Promise<AnswerDone>;
}

/** Every answer page; a flow that mails a link adds its kind here (one line). */
export const answerKinds: readonly AnswerKind[] = [grantAnswerKind, verifyEmailAnswerKind, transferAnswerKind, transferOutAnswerKind, ownerChangeAnswerKind];
