#!/usr/bin/perl
# Drives dmapid's EPP listener with Debian's Net::EPP::Simple (libnet-epp-perl), a client nobody
# here wrote. Prints TAP-like "ok N - what" lines; exits with the number of failures. Every frame
# the server sends (greeting and answers) is written to DUMP_DIR for schema validation.
# Usage: net-epp-simple.pl HOST PORT DUMP_DIR PASSWORD_A PASSWORD_B OLD_DOMAIN OLD_AUTH_CODE
use strict;
use warnings;
use Net::EPP::Simple;

my ($host, $port, $dump, $pw_a, $pw_b, $old, $old_code) = @ARGV;
my $frames = 0;

package Recorder;
use parent -norequire, 'Net::EPP::Simple';
sub get_frame {
	my $self = shift;
	my $f = $self->SUPER::get_frame(@_);
	if (ref($f)) {
		open(my $fh, '>', sprintf('%s/%03d.xml', $dump, ++$frames)) or die "dump: $!";
		print $fh $f->toString;
		close($fh);
	}
	return $f;
}

package main;

my ($count, $failed) = (0, 0);
sub check {
	my ($cond, $name) = @_;
	$count++;
	print(($cond ? 'ok' : 'not ok') . " $count - $name" . ($cond ? '' : " (code " . ($Net::EPP::Simple::Code // '-') . ": " . ($Net::EPP::Simple::Message // '') . ")") . "\n");
	$failed++ unless $cond;
	return $cond;
}
sub code_of {
	my $r = shift;
	return 0 unless ref($r);
	my $res = $r->getElementsByTagNameNS('urn:ietf:params:xml:ns:epp-1.0', 'result')->shift;
	return $res ? $res->getAttribute('code') : 0;
}
my $EPP = 'urn:ietf:params:xml:ns:epp-1.0';
my $DOM = 'urn:ietf:params:xml:ns:domain-1.0';
sub raw_update {
	my ($epp, $name, $ext) = @_;
	return $epp->request(qq{<?xml version="1.0" encoding="UTF-8"?><epp xmlns="$EPP"><command><update><domain:update xmlns:domain="$DOM"><domain:name>$name</domain:name><domain:chg/></domain:update></update><extension>$ext</extension><clTRID>NETEPP-RAW</clTRID></command></epp>});
}

my %conn = (host => $host, port => $port, timeout => 10, reconnect => 0, debug => 0);
my $a = Recorder->new(%conn, user => 'dmapid', pass => $pw_a);
check($a, 'registrar A logs in') or exit(99);
my $b = Recorder->new(%conn, user => 'sim-budgetnames', pass => $pw_b);
check($b, 'registrar B logs in') or exit(99);
my $bad = Recorder->new(%conn, user => 'dmapid', pass => 'wrong-password');
check(!$bad && $Net::EPP::Simple::Code == 2200, 'a wrong password is refused with 2200');

my $d = 'netepp-' . time() . '.com';
check($a->check_domain($d) == 1, "$d is available");
check(defined($a->check_domain('example.com')) && $a->check_domain('example.com') == 0, 'example.com is taken');
check($a->check_contact('NETEPP-1') == 1, 'contact NETEPP-1 is available');
check($a->create_contact({
	id => 'NETEPP-1',
	postalInfo => { int => { name => 'Net EPP Tester', org => 'Interop Ltd', addr => { street => ['1 Perl Street'], city => 'Oslo', pc => '0150', cc => 'NO' } } },
	voice => '+47.22000000', email => 'netepp@example.net', authInfo => 'contact-secret',
}), 'create contact');
my $ci = $a->contact_info('NETEPP-1');
check(ref($ci) eq 'HASH' && $ci->{email} eq 'netepp@example.net', 'contact info');
check($a->check_host('ns1.netepp-ext.example') == 1, 'external host is available');
check($a->create_host({ name => 'ns1.netepp-ext.example', addrs => [] }), 'create external host');
check($a->create_domain({
	name => $d, period => 1, ns => ['ns1.netepp-ext.example'], registrant => 'NETEPP-1',
	contacts => { admin => 'NETEPP-1', tech => 'NETEPP-1', billing => 'NETEPP-1' }, authInfo => 'Init-Code-1',
}), "create $d");
check($a->create_host({ name => "ns1.$d", addrs => [{ ip => '8.8.8.8', version => 'v4' }] }), 'create internal host with glue');
my $hi = $a->host_info("ns1.$d");
check(ref($hi) eq 'HASH' && $hi->{name} eq "ns1.$d", 'host info');
my $info = $a->domain_info($d);
check(ref($info) eq 'HASH' && $info->{clID} eq 'dmapid', 'domain info shows the sponsor');
my ($exp) = ($info->{exDate} // '') =~ /^(\d{4}-\d\d-\d\d)/;
check($a->renew_domain({ name => $d, cur_exp_date => $exp, period => 1 }), 'renew by a year');
check(!$a->renew_domain({ name => $d, cur_exp_date => '2001-01-01', period => 1 }) && $Net::EPP::Simple::Code == 2004, 'renew with a wrong expiry date is 2004');
check($a->update_domain({ name => $d, add => { ns => ["ns1.$d"], status => ['clientHold'] } }), 'update: add name server and clientHold');
check($a->update_domain({ name => $d, rem => { ns => ['ns1.netepp-ext.example'], status => ['clientHold'] } }), 'update: remove name server and clientHold');
my $SEC = 'urn:ietf:params:xml:ns:secDNS-1.1';
my $digest = 'AB' x 32;
my $r = raw_update($a, $d, qq{<secDNS:update xmlns:secDNS="$SEC"><secDNS:add><secDNS:dsData><secDNS:keyTag>12345</secDNS:keyTag><secDNS:alg>13</secDNS:alg><secDNS:digestType>2</secDNS:digestType><secDNS:digest>$digest</secDNS:digest></secDNS:dsData></secDNS:add></secDNS:update>});
check(code_of($r) == 1000, 'update: add a DS record (secDNS-1.1)');
$info = $a->domain_info($d);
check(ref($info) eq 'HASH' && join(',', @{$info->{ns} // []}) eq "ns1.$d", 'info shows the new delegation');

# Transfer between the two logins.
my $t = $b->domain_transfer_request($old, $old_code, 1);
check(ref($t) eq 'HASH' && $t->{trStatus} eq 'pending' && $Net::EPP::Simple::Code == 1001, "B requests $old (1001 pending)");
my $q = $a->domain_transfer_query($old);
check(ref($q) eq 'HASH' && $q->{reID} eq 'sim-budgetnames', 'A queries the transfer');
check(!$b->domain_transfer_approve($old) && $Net::EPP::Simple::Code == 2201, 'B may not approve its own request');
check($a->domain_transfer_approve($old), 'A approves');
my $oi = $b->domain_info($old);
check(ref($oi) eq 'HASH' && $oi->{clID} eq 'sim-budgetnames', 'B sponsors the name now');

# Poll: A learned of the request and the approval.
my $p = $a->request(qq{<?xml version="1.0" encoding="UTF-8"?><epp xmlns="$EPP"><command><poll op="req"/><clTRID>NETEPP-POLL</clTRID></command></epp>});
check(code_of($p) == 1301, 'poll req has a message (1301)');
my $msgq = ref($p) ? $p->getElementsByTagNameNS($EPP, 'msgQ')->shift : undef;
my $id = $msgq ? $msgq->getAttribute('id') : '0';
my $ack = $a->request(qq{<?xml version="1.0" encoding="UTF-8"?><epp xmlns="$EPP"><command><poll op="ack" msgID="$id"/><clTRID>NETEPP-ACK</clTRID></command></epp>});
check(code_of($ack) == 1000, 'poll ack dequeues it');

# Delete and restore.
check($a->update_domain({ name => $d, rem => { ns => ["ns1.$d"] } }), 'update: remove the last name server');
check($a->delete_host("ns1.$d"), 'delete the internal host');
check($a->delete_domain($d), "delete $d (inside the add grace period: gone)");
check($a->check_domain($d) == 1, "$d is available again");
check($b->delete_domain($old) && $Net::EPP::Simple::Code == 1001, "B deletes $old (1001: redemption period)");
$r = raw_update($b, $old, q{<rgp:update xmlns:rgp="urn:ietf:params:xml:ns:rgp-1.0"><rgp:restore op="request"/></rgp:update>});
check(code_of($r) == 1000, 'B restores it (RFC 3915)');
$oi = $b->domain_info($old);
check(ref($oi) eq 'HASH' && !grep({ /pendingDelete/ } @{$oi->{status} // []}), 'restored: no longer pending delete');

check($a->logout, 'A logs out');
check($b->logout, 'B logs out');
print "1..$count\n";
exit($failed);
