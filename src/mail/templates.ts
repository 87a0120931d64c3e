/**
 * Plain-text templates of the mails this platform writes. Each returns subject and body; the
 * caller writes them into the outbox with queueMail. Links point at the answer pages (links.ts).
 */
export interface RenderedMail {
  subject: string;
  body: string;
}

/** `2026-01-30 12:00 UTC`: unambiguous for a person reading a mail. */
export function mailDate(at: number): string {
  return new Date(at).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

const signature = (publicUrl: string) => `-- \nThis message was sent automatically by the domain platform at ${publicUrl}.\n`;

export function whoisVerificationMail(p: { email: string; domains: string[]; key: string; link: string; deadline: number; publicUrl: string; reminder?: boolean }): RenderedMail {
  const list = p.domains.map((d) => `  ${d}`).join('\n');
  const intro = p.reminder
    ? `This is a reminder: the e-mail address ${p.email} has not been confirmed yet.`
    : `The e-mail address ${p.email} was given as the owner's address of:`;
  return {
    subject: `${p.reminder ? 'Reminder: confirm' : 'Please confirm'} your e-mail address for ${p.domains[0] ?? 'your domain'}`,
    body: [
      'Hello,',
      '',
      intro,
      ...(p.reminder ? ['It is the owner address of:'] : []),
      '',
      list,
      '',
      'ICANN rules require us to verify the owner address of a domain. Please confirm that this is',
      'your address and that the registration is yours by opening this link and answering "yes":',
      '',
      `  ${p.link}`,
      '',
      `Verification key: ${p.key}`,
      '',
      `If the address is not confirmed by ${mailDate(p.deadline)}, the domain${p.domains.length > 1 ? 's' : ''} will be suspended`,
      'until it is. If you did not register these domains, answer "no" on the same page.',
      '',
      signature(p.publicUrl),
    ].join('\n'),
  };
}

export function whoisSuspendedMail(p: { domain: string; email: string; reason: 'overdue' | 'refused'; publicUrl: string }): RenderedMail {
  const why =
    p.reason === 'overdue'
      ? `its owner e-mail address ${p.email} was not confirmed within the verification period`
      : `the owner answered "no" when asked to confirm the e-mail address ${p.email}`;
  return {
    subject: `Domain ${p.domain} suspended: owner e-mail not verified`,
    body: [
      'Hello,',
      '',
      `The domain ${p.domain} has been suspended because ${why}.`,
      'The suspension is lifted as soon as the address is confirmed through the link in the',
      'verification mail (wa-email-validate sends it again).',
      '',
      signature(p.publicUrl),
    ].join('\n'),
  };
}

export function grantInvitationMail(p: { domain: string; role: string; inviter: string; key: string; link: string; expires: number; publicUrl: string; terms?: readonly string[] }): RenderedMail {
  const what =
    p.role === '@creator'
      ? `to take over the domain ${p.domain} into your own portfolio (role @creator)`
      : `to take the role ${p.role} on the domain ${p.domain}`;
  return {
    subject: `Invitation: ${p.role} on ${p.domain}`,
    body: [
      'Hello,',
      '',
      `${p.inviter} invites you ${what}.`,
      '',
      ...(p.terms?.length ? ['What you take on by accepting:', '', ...p.terms.map((t) => `  - ${t}`), '', 'The answer page shows the renewal price at your prices.', ''] : []),
      'To accept or decline, open this link:',
      '',
      `  ${p.link}`,
      '',
      `Invitation key: ${p.key}`,
      '',
      `The invitation can be accepted until ${mailDate(p.expires)}. It is accepted for the account`,
      'on this platform whose e-mail address is the one this mail was sent to.',
      '',
      signature(p.publicUrl),
    ].join('\n'),
  };
}

export function grantNoticeMail(p: { domain: string; role: string; inviter: string; event: 'granted' | 'revoked'; publicUrl: string }): RenderedMail {
  const line = {
    granted: `${p.inviter} has given your account the role ${p.role} on the domain ${p.domain}.`,
    revoked: `${p.inviter} has revoked your role ${p.role} on the domain ${p.domain}.`,
  }[p.event];
  return {
    subject: `${p.event === 'revoked' ? 'Role revoked' : 'Role granted'}: ${p.role} on ${p.domain}`,
    body: ['Hello,', '', line, '', signature(p.publicUrl)].join('\n'),
  };
}

/** The FOA (ICANN "Initial Authorization for Registrar Transfer") to the owner and the admin contact of a domain coming in. */
export function transferFoaMail(p: { domain: string; role: 'owner' | 'admin' | 'owner and admin'; losing: string; link: string; key: string; deadline: number; publicUrl: string; resent?: boolean }): RenderedMail {
  return {
    subject: `${p.resent ? 'Reminder: ' : ''}Transfer of ${p.domain}: please confirm`,
    body: [
      'Hello,',
      '',
      `A transfer of the domain ${p.domain} to this registrar was requested. You receive this mail as`,
      `the ${p.role} contact of the domain, as ICANN's transfer policy requires. The domain is`,
      `currently held by the registrar ${p.losing}.`,
      '',
      'To confirm the transfer, or to stop it, open this link:',
      '',
      `  ${p.link}`,
      '',
      `Authorization key: ${p.key}`,
      '',
      `If the transfer is not confirmed by ${mailDate(p.deadline)}, it is cancelled. If you did not`,
      'ask for this transfer, answer "no" (or ignore this mail): the domain stays where it is.',
      '',
      signature(p.publicUrl),
    ].join('\n'),
  };
}

/** To the reseller: a foreign registrar, or another account of this registrar, asked for one of its domains. */
export function transferOutRequestMail(p: { domain: string; gaining: string; internal?: boolean; actBy: number; link: string; publicUrl: string }): RenderedMail {
  return {
    subject: `Transfer away requested: ${p.domain}`,
    body: [
      'Hello,',
      '',
      `${p.internal ? 'Another account of this registrar' : `The registrar ${p.gaining}`} has asked to take over the domain ${p.domain} from your account.`,
      `Unless you reject it, the domain is transferred on ${mailDate(p.actBy)} and leaves your account.`,
      '',
      'To reject the transfer (or to let it go at once), open this link:',
      '',
      `  ${p.link}`,
      '',
      `The same is possible with the DMAPI request domain-transfer-control action=reject-out (or`,
      `approve-out) domain=${p.domain}.`,
      '',
      signature(p.publicUrl),
    ].join('\n'),
  };
}

/** To the reseller: how a transfer away ended. */
export function transferOutResultMail(p: { domain: string; gaining: string; outcome: 'transferred' | 'rejected'; reason: string; publicUrl: string }): RenderedMail {
  const line = p.outcome === 'transferred' ? `The domain ${p.domain} has been transferred to ${p.gaining} and has left your account.` : `The transfer of ${p.domain} to ${p.gaining} was rejected: ${p.reason}.`;
  return {
    subject: p.outcome === 'transferred' ? `Domain transferred away: ${p.domain}` : `Transfer away rejected: ${p.domain}`,
    body: ['Hello,', '', line, '', signature(p.publicUrl)].join('\n'),
  };
}

/** To the current registrant: confirm (or refuse) a change of registrant (IRTP-C). */
export function ownerChangeConfirmationMail(p: { domain: string; currentName: string; newName: string; newOrganization: string; newEmail: string; lockOptOut: boolean; link: string; key: string; deadline: number; publicUrl: string }): RenderedMail {
  const newOwner = [p.newName, p.newOrganization, p.newEmail].filter(Boolean).join(', ');
  return {
    subject: `Change of registrant for ${p.domain}: please confirm`,
    body: [
      'Hello,',
      '',
      `A change of the registrant (owner) of the domain ${p.domain} was requested.`,
      '',
      `  current registrant: ${p.currentName || '(unnamed)'}`,
      `  new registrant:     ${newOwner}`,
      '',
      'As the current registrant you must confirm this change before it takes effect. To confirm or',
      'refuse it, open this link:',
      '',
      `  ${p.link}`,
      '',
      `Authorization key: ${p.key}`,
      '',
      p.lockOptOut
        ? 'The registrant chose not to lock the domain against transfers after the change.'
        : 'After the change the domain cannot be transferred to another registrar for 60 days (ICANN transfer policy).',
      `Without an answer by ${mailDate(p.deadline)} the change is cancelled.`,
      '',
      signature(p.publicUrl),
    ].join('\n'),
  };
}

/** To the previous and the new registrant: the change of registrant was made. */
export function ownerChangeNoticeMail(p: { domain: string; newName: string; lockUntil: number | null; publicUrl: string }): RenderedMail {
  return {
    subject: `Registrant of ${p.domain} changed`,
    body: [
      'Hello,',
      '',
      `The registrant of the domain ${p.domain} is now ${p.newName}.`,
      p.lockUntil !== null ? `The domain cannot be transferred to another registrar until ${mailDate(p.lockUntil)}.` : 'No transfer lock was applied (the registrant opted out).',
      '',
      signature(p.publicUrl),
    ].join('\n'),
  };
}

/** ERRP expiry reminders: about a month and a week before the expiry, and once just after it. */
export function expiryReminderMail(p: { domain: string; expires: number; stage: 'month' | 'week' | 'expired'; autorenew: boolean; publicUrl: string }): RenderedMail {
  const when = mailDate(p.expires);
  const lines =
    p.stage === 'expired'
      ? [
          `The registration of ${p.domain} expired on ${when} and was not renewed.`,
          'It can still be restored for a while (redemption period); after that the name is released.',
          'Ask your provider to restore it if you want to keep it.',
        ]
      : [
          `The registration of ${p.domain} expires on ${when}.`,
          p.autorenew
            ? 'It is set to renew automatically shortly before that date, as long as the account can pay for it.'
            : 'It is not set to renew automatically: ask your provider to renew it if you want to keep it.',
        ];
  return {
    subject: p.stage === 'expired' ? `Domain ${p.domain} has expired` : `Domain ${p.domain} expires on ${when}`,
    body: ['Hello,', '', ...lines, '', signature(p.publicUrl)].join('\n'),
  };
}
