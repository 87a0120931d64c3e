import type { Command } from '../command.ts';
import { contactCreate } from './contact-create.ts';
import { contactDelete } from './contact-delete.ts';
import { contactModify } from './contact-modify.ts';
import { corVerify } from './cor-verify.ts';
import { dnsZoneGet } from './dns-zone-get.ts';
import { dnsZoneList } from './dns-zone-list.ts';
import { dnsZonePut } from './dns-zone-put.ts';
import { domainCheck } from './domain-check.ts';
import { domainDelete } from './domain-delete.ts';
import { domainGetProperty } from './domain-get-property.ts';
import { domainLock } from './domain-lock.ts';
import { domainModify } from './domain-modify.ts';
import { domainOwnerChange } from './domain-owner-change.ts';
import { domainPrivacyOrder } from './domain-privacy-order.ts';
import { domainRedeem } from './domain-redeem.ts';
import { domainRegister } from './domain-register.ts';
import { domainRenew } from './domain-renew.ts';
import { domainSetProperty } from './domain-set-property.ts';
import { domainTransferControl } from './domain-transfer-control.ts';
import { domainTransferGetAuthId } from './domain-transfer-get-auth-id.ts';
import { domainTransferInReseller } from './domain-transfer-in-reseller.ts';
import { domainUnlock } from './domain-unlock.ts';
import { eventList } from './event-list.ts';
import { grantsAccept } from './grants-accept.ts';
import { grantsInvitation } from './grants-invitation.ts';
import { grantsInvite } from './grants-invite.ts';
import { grantsList } from './grants-list.ts';
import { grantsRevoke } from './grants-revoke.ts';
import { inquireTld } from './inquire-tld.ts';
import { login } from './login.ts';
import { logout } from './logout.ts';
import { nsCreate } from './ns-create.ts';
import { nsDelete } from './ns-delete.ts';
import { nsModify } from './ns-modify.ts';
import { queryAccountBalance } from './query-account-balance.ts';
import { queryContactList } from './query-contact-list.ts';
import { queryDomainList } from './query-domain-list.ts';
import { queryNsList } from './query-ns-list.ts';
import { queryOrderList } from './query-order-list.ts';
import { queryPriceList } from './query-price-list.ts';
import { queryProfile } from './query-profile.ts';
import { queryPromosList } from './query-promos-list.ts';
import { queryRequestList } from './query-request-list.ts';
import { queryTldList } from './query-tld-list.ts';
import { queryWhois } from './query-whois.ts';
import { resultDelete } from './result-delete.ts';
import { resultList } from './result-list.ts';
import { resultRetrieve } from './result-retrieve.ts';
import { userGetProperty } from './user-get-property.ts';
import { userSetProperty } from './user-set-property.ts';
import { version } from './version.ts';
import { waEmailDetails } from './wa-email-details.ts';
import { waEmailList } from './wa-email-list.ts';
import { waEmailQueryStatus } from './wa-email-query-status.ts';
import { waEmailValidate } from './wa-email-validate.ts';
import { waEmailVerify } from './wa-email-verify.ts';
import { webhookCreate } from './webhook-create.ts';
import { webhookDelete } from './webhook-delete.ts';
import { webhookDeliveryList } from './webhook-delivery-list.ts';
import { webhookList } from './webhook-list.ts';
import { webhookRedeliver } from './webhook-redeliver.ts';

/** The command table: every DMAPI request this server implements, one declaration each. */
export const commands: readonly Command[] = [
  contactCreate,
  contactDelete,
  contactModify,
  corVerify,
  dnsZoneGet,
  dnsZoneList,
  dnsZonePut,
  domainCheck,
  domainDelete,
  domainGetProperty,
  domainLock,
  domainModify,
  domainOwnerChange,
  domainPrivacyOrder,
  domainRedeem,
  domainRegister,
  domainRenew,
  domainSetProperty,
  domainTransferControl,
  domainTransferGetAuthId,
  domainTransferInReseller,
  domainUnlock,
  eventList,
  grantsAccept,
  grantsInvitation,
  grantsInvite,
  grantsList,
  grantsRevoke,
  inquireTld,
  login,
  logout,
  nsCreate,
  nsDelete,
  nsModify,
  queryAccountBalance,
  queryContactList,
  queryDomainList,
  queryNsList,
  queryOrderList,
  queryPriceList,
  queryProfile,
  queryPromosList,
  queryRequestList,
  queryTldList,
  queryWhois,
  resultDelete,
  resultList,
  resultRetrieve,
  userGetProperty,
  userSetProperty,
  version,
  waEmailDetails,
  waEmailList,
  waEmailQueryStatus,
  waEmailValidate,
  waEmailVerify,
  webhookCreate,
  webhookDelete,
  webhookDeliveryList,
  webhookList,
  webhookRedeliver,
];
