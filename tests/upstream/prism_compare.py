"""Cloudflare's schema against the crate's fake, request by request.

Probes every request field of the upstream slice (openapi/upstream/) just inside and just
outside its rules (types, bounds, lengths, formats, enum values, unknown fields), sends each
request to Prism (Stoplight's mock server, validating requests against upstream's schema,
as the official SDKs' tests use it) and to the crate's standalone fake, and fails when they
disagree, except where the fragment declares why (the overlay's wire facts): a field the
overlay makes an integer refuses fractions, and a value in `x-known-refusals` is refused.

usage: prism_compare.py UPSTREAM FRAGMENT PRISM_URL FAKE_URL
Only 127.0.0.1 is contacted."""
import copy, json, sys, urllib.error, urllib.request

upstream_path, fragment_path, prism_url, fake_url = sys.argv[1:5]
UPSTREAM = json.load(open(upstream_path))
FRAGMENT = json.load(open(fragment_path))
TOKEN = "fake-cloudflare-api-token"
RUN = __import__("os").getpid()
ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"


def resolve(doc, schema):
    while "$ref" in schema:
        extra = {k: v for k, v in schema.items() if k != "$ref"}
        schema = dict(doc["components"]["schemas"][schema["$ref"].split("/")[-1]], **extra)
    return schema


def leaves(doc, schema, prefix=()):
    schema = resolve(doc, schema)
    for name, prop in (schema.get("properties") or {}).items():
        p = resolve(doc, prop)
        if p.get("properties"):
            yield from leaves(doc, p, prefix + (name,))
        else:
            yield prefix + (name,), p


def field_in(doc, schema, path):
    schema = resolve(doc, schema)
    for name in path:
        schema = resolve(doc, (schema.get("properties") or {}).get(name, {}))
    return schema


def probes(p):
    out = [(None, "null")]
    t = p.get("type")
    if t in ("number", "integer"):
        out += [("1", "a string"), (1.5, "a fraction")]
        if "minimum" in p:
            out += [(p["minimum"], "minimum"), (p["minimum"] - 1, "below minimum"),
                    (float(p["minimum"]), "minimum written as a float")]
        if "maximum" in p:
            out += [(p["maximum"], "maximum"), (p["maximum"] + 1, "above maximum")]
    elif t == "boolean":
        out += [(True, "true"), (False, "false"), ("true", "a string")]
    elif t == "string":
        out += [(1, "a number")]
        if p.get("format") == "hostname":
            out += [("ns-a%d.example.com" % RUN, "a hostname"), ("ns-b%d.example.com." % RUN, "a final dot"),
                    ("ns1..example.com", "an empty label"), ("ns_1.example.com", "an underscore")]
        elif "enum" in p:
            out += [(v, "an enum value") for v in p["enum"]] + [("zz.not-a-value", "an unknown enum value")]
        else:
            out += [("any text", "text"), ("a" * 300, "300 characters")]
        if "maxLength" in p:
            out += [("a" * p["maxLength"], "maxLength"), ("a" * (p["maxLength"] + 1), "above maxLength")]
    return out


def send(base, method, path, body):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method=method, headers={
        "Authorization": "Bearer " + TOKEN, "Content-Type": "application/json", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as e:
        return e.code


def declared(op, path, value):
    """Why the fragment may refuse what upstream accepts, if it says so."""
    body = FRAGMENT["paths"][op["path"]][op["method"].lower()]["requestBody"]["content"]["application/json"]["schema"]
    ours = field_in(FRAGMENT, body, path)
    theirs = field_in(UPSTREAM, op["upstream_body"], path)
    if isinstance(value, float) and not value.is_integer() and ours.get("type") == "integer" and theirs.get("type") == "number":
        return "the overlay makes it an integer (a wire fact)"
    for refusal in ours.get("x-known-refusals", []):
        if refusal.get("value") == value:
            return "x-known-refusals: code %s" % refusal.get("code")
    return None


operations = []
for path, item in UPSTREAM["paths"].items():
    for method, op in item.items():
        schema = (op.get("requestBody") or {}).get("content", {}).get("application/json", {}).get("schema")
        if schema:
            operations.append({"method": method.upper(), "path": path, "upstream_body": schema})

total = refused_prism = refused_fake = 0
undeclared, explained = [], []
n = 0
for op in operations:
    url = op["path"].replace("{account_id}", ACCOUNT)
    fields = list(leaves(UPSTREAM, op["upstream_body"]))
    fields.append((("zz_unknown_field",), {"type": "boolean"}))
    nested = [f[0][:-1] for f in fields if len(f[0]) > 1]
    if nested:
        fields.append((nested[0] + ("zz_unknown_field",), {"type": "boolean"}))
    required = resolve(UPSTREAM, op["upstream_body"]).get("required", [])
    for path, p in fields:
        for value, what in probes(p):
            n += 1
            body = {}
            for name in required:
                if (name,) != path:
                    # The only required field (ns_name): a new name each time, so that no
                    # probe meets a nameserver an earlier one added.
                    body[name] = "ns%d-%d.example.com" % (RUN, n)
            o = body
            for k in path[:-1]:
                o = o.setdefault(k, {})
            o[path[-1]] = value
            prism, fake = send(prism_url, op["method"], url, body), send(fake_url, op["method"], url, body)
            total += 1
            refused_prism += prism >= 300
            refused_fake += fake >= 300
            if (prism < 300) != (fake < 300):
                line = "%s %s = %s (%s): Prism %s, fake %s" % (op["method"], ".".join(path), json.dumps(value)[:40], what, prism, fake)
                why = declared(op, path, value) if prism < 300 else None
                (explained if why else undeclared).append(line + ("; " + why if why else ""))

print("%d requests: Prism (upstream's schema) refused %d, the fake %d" % (total, refused_prism, refused_fake))
for line in explained:
    print("  declared: " + line)
for line in undeclared:
    print("  UNDECLARED: " + line)
print("%d passed, %d failed" % (total - len(undeclared), len(undeclared)))
sys.exit(1 if undeclared or total < 50 else 0)
