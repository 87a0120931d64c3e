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

export function grantInvitationMail(p: { domain: string; role: string; inviter: string; key: string; link: string; expires: number; publicUrl: string }): RenderedMail {
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

export function grantNoticeMail(p: { domain: string; role: string; inviter: string; event: 'granted' | 'revoked' | 'moved'; publicUrl: string }): RenderedMail {
  const line = {
    granted: `${p.inviter} has given your account the role ${p.role} on the domain ${p.domain}.`,
    revoked: `${p.inviter} has revoked your role ${p.role} on the domain ${p.domain}.`,
    moved: `${p.inviter} has moved the domain ${p.domain} into your account's portfolio (role @creator).`,
  }[p.event];
  return {
    subject: `${p.event === 'revoked' ? 'Role revoked' : p.event === 'moved' ? 'Domain moved to you' : 'Role granted'}: ${p.role} on ${p.domain}`,
    body: ['Hello,', '', line, '', signature(p.publicUrl)].join('\n'),
  };
}
