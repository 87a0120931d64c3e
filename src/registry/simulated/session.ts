import type { Dialect, Executor } from '../../db/database.ts';
import type { TldCatalogue } from '../../tld/catalogue.ts';
import type {
  Availability,
  ContactInfo,
  ContactPostal,
  DeleteOutcome,
  DomainCreate,
  DomainInfo,
  DomainUpdate,
  HostAddresses,
  HostInfo,
  HostUpdate,
  PollMessage,
  Registry,
  TransferInfo,
} from '../port.ts';
import type { DomainRow, SessionContext } from './context.ts';
import { settle } from './lifecycle.ts';
import * as domain from './domain.ts';
import * as transfer from './transfer.ts';
import * as host from './host.ts';
import * as contact from './contact.ts';
import * as poll from './poll.ts';

export { normal } from './context.ts';
export { OTHER_PROVIDERS } from './references.ts';
export { AUTH_CODE_TTL_DAYS } from './domain.ts';

/**
 * One registry session acting as `actor`. Every read of a domain first settles it: whatever
 * became due by `now` (transfer auto-approval, auto-renew or expiry, redemption ending, grace
 * periods ending) is applied at the instant it fell due, so the model is exact whether or not
 * the periodic sweep has run yet.
 *
 * The commands live per EPP object (domain.ts, transfer.ts, host.ts, contact.ts, poll.ts),
 * each taking this session's context; this class only binds them to the port.
 */
export class RegistrySession implements Registry {
  readonly registrarId: string;
  private readonly ctx: SessionContext;

  constructor(tlds: TldCatalogue, dialect: Dialect, db: Executor, now: number, actor: string) {
    this.registrarId = actor;
    this.ctx = { tlds, dialect, db, now, registrarId: actor };
  }

  /** Applies every time-driven change that fell due by `now`; undefined when the name got purged. */
  settle(start: DomainRow): Promise<DomainRow | undefined> {
    return settle(this.ctx, start);
  }

  // ---------------------------------------------------------------- domains

  checkDomain(name: string): Promise<Availability> {
    return domain.checkDomain(this.ctx, name);
  }

  infoDomain(name: string): Promise<DomainInfo | undefined> {
    return domain.infoDomain(this.ctx, name);
  }

  createDomain(input: DomainCreate): Promise<DomainInfo> {
    return domain.createDomain(this.ctx, input);
  }

  renewDomain(name: string, currentExpiry: number, periodMonths: number): Promise<DomainInfo> {
    return domain.renewDomain(this.ctx, name, currentExpiry, periodMonths);
  }

  deleteDomain(name: string): Promise<DeleteOutcome> {
    return domain.deleteDomain(this.ctx, name);
  }

  restoreDomain(name: string): Promise<DomainInfo> {
    return domain.restoreDomain(this.ctx, name);
  }

  updateDomain(name: string, change: DomainUpdate): Promise<DomainInfo> {
    return domain.updateDomain(this.ctx, name, change);
  }

  newAuthCode(name: string): Promise<string> {
    return domain.newAuthCode(this.ctx, name);
  }

  setAuthCode(name: string, code: string | null): Promise<void> {
    return domain.setAuthCode(this.ctx, name, code);
  }

  verifyAuthCode(name: string, code: string): Promise<boolean> {
    return domain.verifyAuthCode(this.ctx, name, code);
  }

  // ---------------------------------------------------------------- transfers

  requestTransfer(name: string, authCode: string | undefined, periodMonths?: number): Promise<TransferInfo> {
    return transfer.requestTransfer(this.ctx, name, authCode, periodMonths);
  }

  queryTransfer(name: string): Promise<TransferInfo | undefined> {
    return transfer.queryTransfer(this.ctx, name);
  }

  approveTransfer(name: string): Promise<TransferInfo> {
    return transfer.approveTransfer(this.ctx, name);
  }

  rejectTransfer(name: string): Promise<TransferInfo> {
    return transfer.rejectTransfer(this.ctx, name);
  }

  cancelTransfer(name: string): Promise<TransferInfo> {
    return transfer.cancelTransfer(this.ctx, name);
  }

  // ---------------------------------------------------------------- hosts

  checkHost(name: string): Promise<boolean> {
    return host.checkHost(this.ctx, name);
  }

  createHost(name: string, addresses: HostAddresses): Promise<HostInfo> {
    return host.createHost(this.ctx, name, addresses);
  }

  updateHost(name: string, change: HostUpdate): Promise<HostInfo> {
    return host.updateHost(this.ctx, name, change);
  }

  deleteHost(name: string): Promise<void> {
    return host.deleteHost(this.ctx, name);
  }

  infoHost(name: string): Promise<HostInfo | undefined> {
    return host.infoHost(this.ctx, name);
  }

  // ---------------------------------------------------------------- contacts

  checkContact(id: string): Promise<boolean> {
    return contact.checkContact(this.ctx, id);
  }

  createContact(id: string, postal: ContactPostal): Promise<ContactInfo> {
    return contact.createContact(this.ctx, id, postal);
  }

  updateContact(id: string, postal: Partial<ContactPostal>): Promise<ContactInfo> {
    return contact.updateContact(this.ctx, id, postal);
  }

  deleteContact(id: string): Promise<void> {
    return contact.deleteContact(this.ctx, id);
  }

  infoContact(id: string): Promise<ContactInfo | undefined> {
    return contact.infoContact(this.ctx, id);
  }

  // ---------------------------------------------------------------- poll

  poll(limit = 50): Promise<PollMessage[]> {
    return poll.poll(this.ctx, limit);
  }

  ack(messageId: number): Promise<void> {
    return poll.ack(this.ctx, messageId);
  }
}
