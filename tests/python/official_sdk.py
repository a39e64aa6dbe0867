"""The official Cloudflare Python SDK as a customer of the standalone fake.

Usage: python official_sdk.py PATH/TO/fake_server

Starts the fake on --port 0 (reading the base URL from the first line it prints), drives
every operation through the SDK (add, list and delete custom nameservers; get and update
the account's DNS settings), checks what reached the wire through the fake's control
interface, injects faults through it (a 503 answered and retried, a POST applied and its
connection dropped), seeds and resets an account, then stops the fake with SIGTERM and
checks that it exits with status 0. Any mismatch raises, and the exit status is non-zero.
Only 127.0.0.1 is contacted.
"""

import json
import signal
import subprocess
import sys
import urllib.request

import cloudflare
from cloudflare import Cloudflare

TOKEN = "fake-cloudflare-api-token"
ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


class Control:
    """The fake's control interface, with nothing but the standard library."""

    def __init__(self, origin):
        self.origin = origin

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.origin}/__fake/{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def fault(self, **fault):
        return self.call("POST", "faults", fault)

    def requests(self):
        return self.call("GET", "requests")["requests"]

    def clear_requests(self):
        self.call("DELETE", "requests")


def run(base_url, control):
    client = Cloudflare(api_token=TOKEN, base_url=base_url, max_retries=0)

    # Add, as the SDK sends it.
    control.clear_requests()
    added = client.custom_nameservers.create(
        account_id=ACCOUNT, ns_name="ns1.example.com", ns_set=1
    )
    expect(added.ns_name == "ns1.example.com", f"add: {added}")
    expect(added.ns_set == 1, f"add: ns_set {added.ns_set}")
    expect(
        {record.type for record in added.dns_records} == {"A", "AAAA"},
        f"add: dns_records {added.dns_records}",
    )
    [sent] = control.requests()
    expect(sent["operation"] == "add_custom_nameserver", f"wire: {sent}")
    expect(
        sent["json"] == {"ns_name": "ns1.example.com", "ns_set": 1},
        f"wire body: {sent['body']}",
    )
    expect(sent["headers"]["authorization"] == "[redacted]", f"wire: {sent['headers']}")

    # List.
    names = [ns.ns_name for ns in client.custom_nameservers.get(account_id=ACCOUNT)]
    expect(names == ["ns1.example.com"], f"list: {names}")

    # Get the DNS settings: a new account's defaults.
    settings = client.dns.settings.account.get(account_id=ACCOUNT)
    expect(settings.zone_defaults.ns_ttl == 86400, f"get: {settings}")

    # Update them, with the body of the reference's example, an explicit null included.
    control.clear_requests()
    updated = client.dns.settings.account.edit(
        account_id=ACCOUNT,
        zone_defaults={
            "nameservers": {"type": "custom.account"},
            "zone_mode": "dns_only",
            "ns_ttl": 3600,
            "soa": {"rname": "admin.example.com", "ttl": 3600, "mname": None},
        },
    )
    expect(updated.zone_defaults.ns_ttl == 3600, f"update: {updated}")
    expect(updated.zone_defaults.nameservers.type == "custom.account", f"update: {updated}")
    expect(updated.zone_defaults.soa.mname is None, f"update: mname {updated}")
    [sent] = control.requests()
    expect(sent["method"] == "PATCH", f"wire: {sent}")
    expect(
        sent["json"]["zone_defaults"]["soa"] == {"rname": "admin.example.com", "ttl": 3600, "mname": None},
        f"wire body: {sent['body']}",
    )
    again = client.dns.settings.account.get(account_id=ACCOUNT)
    expect(again.zone_defaults.zone_mode == "dns_only", f"read back: {again}")

    # Delete, then the list is empty.
    client.custom_nameservers.delete("ns1.example.com", account_id=ACCOUNT)
    names = [ns.ns_name for ns in client.custom_nameservers.get(account_id=ACCOUNT)]
    expect(names == [], f"list after delete: {names}")

    # The fake's own checks come back as the SDK's typed errors.
    try:
        client.custom_nameservers.create(account_id=ACCOUNT, ns_name="not a hostname")
        raise AssertionError("an invalid ns_name was accepted")
    except cloudflare.BadRequestError as error:
        expect(error.status_code == 400, f"invalid: {error}")
    wrong = Cloudflare(api_token="wrong-token", base_url=base_url, max_retries=0)
    try:
        wrong.dns.settings.account.get(account_id=ACCOUNT)
        raise AssertionError("a wrong token was accepted")
    except cloudflare.PermissionDeniedError as error:
        expect(error.status_code == 403, f"auth: {error}")
        expect("9109" in str(error.body), f"auth body: {error.body}")

    # A fault injected through the control interface: a 503 for the add only.
    queued = control.fault(status=503, operation="add_custom_nameserver", times=1)
    expect(queued["queued"] == 1, f"fault: {queued}")
    client.dns.settings.account.get(account_id=ACCOUNT)  # another operation passes it by
    try:
        client.custom_nameservers.create(account_id=ACCOUNT, ns_name="ns2.example.com")
        raise AssertionError("the injected 503 did not reach the SDK")
    except cloudflare.InternalServerError as error:
        expect(error.status_code == 503, f"fault: {error}")
    expect(control.call("GET", "faults")["faults"] == [], "the fault was used once")

    # The SDK retries a 503 (POST included), honouring Retry-After: the add succeeds on
    # the second attempt.
    retrying = Cloudflare(api_token=TOKEN, base_url=base_url, max_retries=2)
    control.fault(status=503, retry_after="0", method="POST")
    control.clear_requests()
    added = retrying.custom_nameservers.create(account_id=ACCOUNT, ns_name="ns2.example.com")
    expect(added.ns_name == "ns2.example.com", f"retried add: {added}")
    expect(len(control.requests()) == 2, "one 503, then the retry")

    # Applied, then the connection dropped: the SDK sees a connection error, and the
    # nameserver exists all the same.
    control.fault(drop=True, operation="add_custom_nameserver", after_applying=True)
    try:
        client.custom_nameservers.create(account_id=ACCOUNT, ns_name="ns3.example.com")
        raise AssertionError("the dropped connection did not reach the SDK")
    except cloudflare.APIConnectionError:
        pass
    account = control.call("GET", f"accounts/{ACCOUNT}")
    names = [ns["ns_name"] for ns in account["custom_nameservers"]]
    expect(names == ["ns2.example.com", "ns3.example.com"], f"applied: {names}")

    # Seed an account, read it through the SDK, reset it.
    control.call(
        "PUT",
        f"accounts/{ACCOUNT}",
        {
            "custom_nameservers": [{"ns_name": "ns9.example.com", "ns_set": 2}],
            "dns_settings": {"zone_defaults": {"ns_ttl": 300}},
        },
    )
    listed = [(ns.ns_name, ns.ns_set) for ns in client.custom_nameservers.get(account_id=ACCOUNT)]
    expect(listed == [("ns9.example.com", 2)], f"seeded: {listed}")
    seeded = client.dns.settings.account.get(account_id=ACCOUNT)
    expect(seeded.zone_defaults.ns_ttl == 300, f"seeded: {seeded}")
    control.call("DELETE", f"accounts/{ACCOUNT}")
    reset = client.dns.settings.account.get(account_id=ACCOUNT)
    expect(reset.zone_defaults.ns_ttl == 86400, f"reset: {reset}")
    expect(list(client.custom_nameservers.get(account_id=ACCOUNT)) == [], "reset: nameservers")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: official_sdk.py PATH/TO/fake_server")
    fake = subprocess.Popen(
        [sys.argv[1], "--port", "0", "--quiet", "--record", "20"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        first = fake.stdout.readline().rstrip("\n")
        prefix = "fake Cloudflare API listening on "
        expect(first.startswith(prefix), f"first line: {first!r}")
        base_url = first[len(prefix):]
        origin = base_url.removesuffix("/client/v4")
        run(base_url, Control(origin))
    finally:
        fake.send_signal(signal.SIGTERM)
        status = fake.wait(timeout=10)
    expect(status == 0, f"the fake exited with {status} on SIGTERM")
    print(f"official Python SDK {cloudflare.__version__}: every operation and the injected faults behave as expected")


if __name__ == "__main__":
    main()
