//! The fake checked on the wire with hand-written HTTP requests, independently of the
//! crate's own serializer.

#![cfg(feature = "fake")]

use cloudflare_account_dns::fake::{
    DEFAULT_ACCOUNT_ID as ACCOUNT, DEFAULT_API_KEY, DEFAULT_API_TOKEN, DEFAULT_EMAIL,
    FakeCloudflare, Fault,
};
use serde_json::{Value, json};

struct Raw {
    fake: FakeCloudflare,
    http: reqwest::Client,
}

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Raw {
    async fn start() -> Self {
        Self {
            fake: FakeCloudflare::start().await.unwrap(),
            http: reqwest::Client::new(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/accounts/{ACCOUNT}{path}", self.fake.base_url())
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.expect("the fake answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Answer {
            status,
            headers,
            body,
        }
    }

    async fn call(&self, method: &str, path: &str, body: Option<&str>) -> Answer {
        let mut request = self
            .http
            .request(method.parse().unwrap(), self.url(path))
            .header("Authorization", format!("Bearer {DEFAULT_API_TOKEN}"));
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/json")
                .body(body.to_string());
        }
        self.send(request).await
    }
}

fn error_codes(answer: &Answer) -> Vec<i64> {
    answer.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_i64().unwrap())
        .collect()
}

fn pointers(answer: &Answer) -> Vec<String> {
    answer.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["source"]["pointer"].as_str().unwrap_or("").to_string())
        .collect()
}

#[tokio::test]
async fn add_then_list_then_delete_with_cloudflare_envelopes() {
    let raw = Raw::start().await;
    let added = raw
        .call(
            "POST",
            "/custom_ns",
            Some(r#"{"ns_name":"ns1.example.com","ns_set":2}"#),
        )
        .await;
    assert_eq!(added.status, 200);
    assert_eq!(added.headers["content-type"], "application/json");
    assert!(added.headers["cf-ray"].to_str().unwrap().ends_with("-FAKE"));
    assert_eq!(added.body["success"], json!(true));
    assert_eq!(added.body["errors"], json!([]));
    assert_eq!(added.body["messages"], json!([]));
    let ns = &added.body["result"];
    assert_eq!(ns["ns_name"], json!("ns1.example.com"));
    assert_eq!(ns["ns_set"], json!(2), "an integer, not 2.0");
    assert_eq!(ns["status"], json!("verified"));
    assert_eq!(ns["zone_tag"].as_str().unwrap().len(), 32);
    assert_eq!(ns["dns_records"][0]["type"], json!("A"));
    assert_eq!(ns["dns_records"][1]["type"], json!("AAAA"));

    let listed = raw.call("GET", "/custom_ns", None).await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.body["result"].as_array().unwrap().len(), 1);
    assert_eq!(listed.body["result_info"]["count"], json!(1));

    let deleted = raw.call("DELETE", "/custom_ns/ns1.example.com", None).await;
    assert_eq!(deleted.status, 200);
    assert_eq!(deleted.body["result"], json!([]));
    assert!(raw.fake.custom_nameservers(ACCOUNT).is_empty());

    let again = raw.call("DELETE", "/custom_ns/ns1.example.com", None).await;
    assert_eq!(again.status, 404);
    assert_eq!(again.body["success"], json!(false));
    assert_eq!(again.body["result"], Value::Null);
}

#[tokio::test]
async fn ns_set_defaults_to_one_and_duplicates_are_refused() {
    let raw = Raw::start().await;
    let added = raw
        .call(
            "POST",
            "/custom_ns",
            Some(r#"{"ns_name":"ns1.example.com"}"#),
        )
        .await;
    assert_eq!(added.body["result"]["ns_set"], json!(1));
    let twice = raw
        .call(
            "POST",
            "/custom_ns",
            Some(r#"{"ns_name":"NS1.example.com"}"#),
        )
        .await;
    assert_eq!(twice.status, 409);
    assert_eq!(error_codes(&twice), [1409]);
    assert_eq!(pointers(&twice), ["/ns_name"]);
}

#[tokio::test]
async fn bodies_are_checked_like_cloudflare_with_pointers() {
    let raw = Raw::start().await;
    for (path, method, body, expected) in [
        ("/custom_ns", "POST", r#"{}"#, vec!["/ns_name"]),
        (
            "/custom_ns",
            "POST",
            r#"{"ns_name":"ns1..example.com"}"#,
            vec!["/ns_name"],
        ),
        (
            "/custom_ns",
            "POST",
            r#"{"ns_name":"ns1.example.com","ns_set":0}"#,
            vec!["/ns_set"],
        ),
        (
            "/custom_ns",
            "POST",
            r#"{"ns_name":"ns1.example.com","ns_set":1.5}"#,
            vec!["/ns_set"],
        ),
        ("/custom_ns", "POST", r#"{"ns_name":7}"#, vec!["/ns_name"]),
        ("/custom_ns", "POST", r#"not json"#, vec![""]),
        (
            "/dns_settings",
            "PATCH",
            r#"{"zone_defaults":{"ns_ttl":-1}}"#,
            vec!["/zone_defaults/ns_ttl"],
        ),
        (
            "/dns_settings",
            "PATCH",
            r#"{"zone_defaults":{"ns_ttl":86400.5}}"#,
            vec!["/zone_defaults/ns_ttl"],
        ),
        (
            "/dns_settings",
            "PATCH",
            r#"{"zone_defaults":{"soa":{"expire":2419201}}}"#,
            vec!["/zone_defaults/soa/expire"],
        ),
        (
            "/dns_settings",
            "PATCH",
            r#"{"zone_defaults":{"nameservers":{"type":"cloudflare.next"}}}"#,
            vec!["/zone_defaults/nameservers/type"],
        ),
        (
            "/dns_settings",
            "PATCH",
            r#"{"zone_defaults":{"zone_mode":"edge"}}"#,
            vec!["/zone_defaults/zone_mode"],
        ),
        (
            "/dns_settings",
            "PATCH",
            r#"{"zone_defaults":{"flatten_all_cnames":"yes"}}"#,
            vec!["/zone_defaults/flatten_all_cnames"],
        ),
        (
            "/dns_settings",
            "PATCH",
            r#"{"enforce_dns_only":null}"#,
            vec!["/enforce_dns_only"],
        ),
        (
            "/dns_settings",
            "PATCH",
            r#"{"zone_defaults":{"soa":{"retry":599,"ttl":299}},"extra":1}"#,
            vec!["/zone_defaults/soa/retry", "/zone_defaults/soa/ttl"],
        ),
    ] {
        let answer = raw.call(method, path, Some(body)).await;
        assert_eq!(answer.status, 400, "{body}: {:?}", answer.body);
        let mut got = pointers(&answer);
        got.sort();
        assert_eq!(got, expected, "{body}");
        assert!(error_codes(&answer).iter().all(|code| *code == 1004));
        assert!(answer.headers.contains_key("cf-ray"));
    }
    assert!(
        raw.fake.custom_nameservers(ACCOUNT).is_empty(),
        "nothing was applied"
    );
}

#[tokio::test]
async fn the_python_sdk_body_is_accepted_and_applied_exactly() {
    let raw = Raw::start().await;
    let before = raw.call("GET", "/dns_settings", None).await.body["result"].clone();
    let body = r#"{"zone_defaults":{"nameservers":{"type":"custom.account"},"zone_mode":"dns_only","ns_ttl":86400,"soa":{"rname":"admin.example.com","ttl":3600,"mname":null}}}"#;
    let answer = raw.call("PATCH", "/dns_settings", Some(body)).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    let after = answer.body["result"].clone();

    let mut expected = before.clone();
    expected["zone_defaults"]["nameservers"]["type"] = json!("custom.account");
    expected["zone_defaults"]["zone_mode"] = json!("dns_only");
    expected["zone_defaults"]["ns_ttl"] = json!(86400);
    expected["zone_defaults"]["soa"]["rname"] = json!("admin.example.com");
    expected["zone_defaults"]["soa"]["ttl"] = json!(3600);
    expected["zone_defaults"]["soa"]["mname"] = Value::Null;
    assert_eq!(after, expected, "exactly the given fields changed");
}

#[tokio::test]
async fn new_accounts_start_from_the_schemas_example_values() {
    // Each field's `example` in Cloudflare's schema (else its default, else a value its
    // type allows), except where the overlay states what Cloudflare answers with evidence:
    // a Cloudflare-assigned `mname` reads null. Read from the fragment, so that a field
    // added upstream is covered with no edit here.
    let fragment: Value =
        serde_json::from_str(include_str!("../openapi/cloudflare-account-dns.json")).unwrap();
    fn resolve<'a>(fragment: &'a Value, schema: &'a Value) -> &'a Value {
        match schema["$ref"].as_str() {
            Some(r) => resolve(
                fragment,
                &fragment["components"]["schemas"][r.rsplit('/').next().unwrap()],
            ),
            None => schema,
        }
    }
    fn expect(fragment: &Value, schema: &Value, got: &Value, at: &str, checked: &mut usize) {
        let schema = resolve(fragment, schema);
        if let Some(answer) = schema.get("x-cloudflare-answers") {
            assert_eq!(got, &answer["value"], "{at}: what Cloudflare answers");
            *checked += 1;
        } else if let Some(example) = schema.get("example").or_else(|| schema.get("default")) {
            assert_eq!(got, example, "{at}: the schema's example");
            *checked += 1;
        } else if let Some(properties) = schema["properties"].as_object() {
            let required: Vec<&Value> = schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .collect();
            for (name, property) in properties {
                match got.get(name) {
                    Some(value) => {
                        expect(fragment, property, value, &format!("{at}.{name}"), checked)
                    }
                    None => assert!(
                        !required.contains(&&json!(name)),
                        "{at}.{name} is required but missing"
                    ),
                }
            }
        }
    }
    let raw = Raw::start().await;
    let answer = raw.call("GET", "/dns_settings", None).await;
    let result = &fragment["components"]["schemas"]["dns-settings_dns_response_single"]["properties"]
        ["result"];
    let mut checked = 0;
    expect(
        &fragment,
        result,
        &answer.body["result"],
        "result",
        &mut checked,
    );
    assert!(checked >= 10, "only {checked} fields checked");
    assert_eq!(
        answer.body["result"]["zone_defaults"]["soa"]["mname"],
        Value::Null
    );
}

#[tokio::test]
async fn a_null_mname_reads_back_as_null_as_cloudflare_answers() {
    let raw = Raw::start().await;
    let set = raw
        .call(
            "PATCH",
            "/dns_settings",
            Some(r#"{"zone_defaults":{"soa":{"mname":"ns1.example.com"}}}"#),
        )
        .await;
    assert_eq!(
        set.body["result"]["zone_defaults"]["soa"]["mname"],
        json!("ns1.example.com")
    );
    let reset = raw
        .call(
            "PATCH",
            "/dns_settings",
            Some(r#"{"zone_defaults":{"soa":{"mname":null}}}"#),
        )
        .await;
    // Cloudflare answers `"mname": null` for a primary nameserver it assigns
    // (terraform-provider-cloudflare #5859).
    assert_eq!(
        reset.body["result"]["zone_defaults"]["soa"]["mname"],
        Value::Null
    );
}

#[tokio::test]
async fn credentials_are_checked_like_cloudflare() {
    let raw = Raw::start().await;
    let url = raw.url("/custom_ns");
    type Headers = Vec<(&'static str, String)>;
    let cases: Vec<(Headers, u16, Vec<i64>)> = vec![
        (vec![], 400, vec![9106]),
        (
            vec![("Authorization", "Token abc".into())],
            400,
            vec![6003, 6111],
        ),
        (
            vec![("Authorization", "Bearer wrong".into())],
            403,
            vec![9109],
        ),
        (
            vec![
                ("X-Auth-Email", "not-an-email".into()),
                ("X-Auth-Key", "k".into()),
            ],
            400,
            vec![6003, 6102],
        ),
        (
            vec![("X-Auth-Email", DEFAULT_EMAIL.into())],
            400,
            vec![9106],
        ),
        (
            vec![
                ("X-Auth-Email", DEFAULT_EMAIL.into()),
                ("X-Auth-Key", "wrong".into()),
            ],
            403,
            vec![10000],
        ),
        (
            vec![
                ("X-Auth-Email", DEFAULT_EMAIL.into()),
                ("X-Auth-Key", DEFAULT_API_KEY.into()),
            ],
            200,
            vec![],
        ),
        (
            vec![("Authorization", format!("Bearer {DEFAULT_API_TOKEN}"))],
            200,
            vec![],
        ),
    ];
    for (headers, status, codes) in cases {
        let mut request = raw.http.get(&url);
        for (name, value) in &headers {
            request = request.header(*name, value);
        }
        let answer = raw.send(request).await;
        assert_eq!(answer.status, status, "{headers:?}: {:?}", answer.body);
        let mut got = vec![];
        for error in answer.body["errors"].as_array().unwrap() {
            got.push(error["code"].as_i64().unwrap());
            for inner in error["error_chain"].as_array().into_iter().flatten() {
                got.push(inner["code"].as_i64().unwrap());
            }
        }
        assert_eq!(got, codes, "{headers:?}");
    }
}

#[tokio::test]
async fn received_requests_are_recorded_with_credentials_redacted() {
    let raw = Raw::start().await;
    raw.call(
        "POST",
        "/custom_ns",
        Some(r#"{"ns_name":"ns1.example.com"}"#),
    )
    .await;
    let request = raw
        .http
        .get(raw.url("/dns_settings"))
        .header("X-Auth-Email", DEFAULT_EMAIL)
        .header("X-Auth-Key", DEFAULT_API_KEY);
    raw.send(request).await;
    let seen = raw.fake.requests();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(
        seen[0].path,
        format!("/client/v4/accounts/{ACCOUNT}/custom_ns")
    );
    assert_eq!(seen[0].header("authorization"), Some("[redacted]"));
    assert_eq!(seen[0].json(), Some(json!({"ns_name": "ns1.example.com"})));
    assert_eq!(seen[1].header("x-auth-key"), Some("[redacted]"));
    assert_eq!(seen[1].header("x-auth-email"), Some("[redacted]"));
    let all = format!("{seen:?} {:?}", raw.fake);
    assert!(
        !all.contains(DEFAULT_API_TOKEN) && !all.contains(DEFAULT_API_KEY),
        "{all}"
    );
}

#[tokio::test]
async fn unknown_routes_methods_and_identifiers() {
    let raw = Raw::start().await;
    let bearer = format!("Bearer {DEFAULT_API_TOKEN}");
    let base = raw.fake.base_url();
    for (method, url, status, code) in [
        ("GET", format!("{base}/zones"), 404, 7000),
        (
            "GET",
            format!("{base}/accounts/not-hex!/dns_settings"),
            404,
            7003,
        ),
        ("PUT", raw.url("/dns_settings"), 405, 10405),
        ("PATCH", raw.url("/custom_ns"), 405, 10405),
    ] {
        let request = raw
            .http
            .request(method.parse().unwrap(), &url)
            .header("Authorization", &bearer);
        let answer = raw.send(request).await;
        assert_eq!(
            (answer.status, error_codes(&answer)),
            (status, vec![code]),
            "{method} {url}"
        );
        assert!(answer.headers.contains_key("cf-ray"));
    }
}

#[tokio::test]
async fn a_chunked_body_is_read_like_any_other() {
    let raw = Raw::start().await;
    let chunks: Vec<Result<&'static [u8], std::io::Error>> =
        vec![Ok(br#"{"ns_name":"#), Ok(br#""ns1.example.com"}"#)];
    let request = raw
        .http
        .post(raw.url("/custom_ns"))
        .header("Authorization", format!("Bearer {DEFAULT_API_TOKEN}"))
        .header("Content-Type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_stream(chunks)));
    let answer = raw.send(request).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(raw.fake.custom_nameservers(ACCOUNT).len(), 1);
}

/// A stream of chunks, without pulling in a stream crate.
fn futures_stream(
    chunks: Vec<Result<&'static [u8], std::io::Error>>,
) -> impl futures_core::Stream<Item = Result<&'static [u8], std::io::Error>> + Send + 'static {
    struct Chunks(std::vec::IntoIter<Result<&'static [u8], std::io::Error>>);
    impl futures_core::Stream for Chunks {
        type Item = Result<&'static [u8], std::io::Error>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::Poll::Ready(self.0.next())
        }
    }
    Chunks(chunks.into_iter())
}

#[tokio::test]
async fn faults_come_in_order_then_stop() {
    let raw = Raw::start().await;
    raw.fake.inject(Fault::status(429).retry_after("30"), 1);
    raw.fake.inject(Fault::html(502), 1);
    raw.fake
        .inject(Fault::status_with_body(503, json!({"oops": true})), 1);
    let throttled = raw.call("GET", "/dns_settings", None).await;
    assert_eq!(throttled.status, 429);
    assert_eq!(throttled.headers["retry-after"], "30");
    assert_eq!(error_codes(&throttled), [971]);
    let html = raw.call("GET", "/dns_settings", None).await;
    assert_eq!(html.status, 502);
    assert!(
        html.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(html.body.as_str().unwrap().contains("<html>"));
    assert!(html.headers.contains_key("cf-ray"));
    let custom = raw.call("GET", "/dns_settings", None).await;
    assert_eq!(
        (custom.status, custom.body.clone()),
        (503, json!({"oops": true}))
    );
    let normal = raw.call("GET", "/dns_settings", None).await;
    assert_eq!(normal.status, 200);
}

#[tokio::test]
async fn a_dropped_connection_gets_no_answer() {
    let raw = Raw::start().await;
    raw.fake.inject(Fault::drop_connection(), 1);
    let result = raw
        .http
        .get(raw.url("/dns_settings"))
        .header("Authorization", format!("Bearer {DEFAULT_API_TOKEN}"))
        .send()
        .await;
    assert!(result.is_err(), "{result:?}");
    assert_eq!(
        raw.fake.requests().len(),
        1,
        "the request was read, then dropped"
    );
}

#[tokio::test]
async fn the_fake_stops_when_dropped() {
    let fake = FakeCloudflare::start().await.unwrap();
    let addr = fake.addr();
    drop(fake);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn a_405_names_the_methods_the_path_serves() {
    let raw = Raw::start().await;
    for (method, path, allow) in [
        ("PUT", "/dns_settings", "GET, PATCH"),
        ("POST", "/dns_settings", "GET, PATCH"),
        ("PATCH", "/custom_ns", "GET, POST"),
        ("DELETE", "/custom_ns", "GET, POST"),
        ("GET", "/custom_ns/ns1.example.com", "DELETE"),
    ] {
        let answer = raw.call(method, path, None).await;
        assert_eq!(answer.status, 405, "{method} {path}");
        assert_eq!(error_codes(&answer), [10405], "{method} {path}");
        assert_eq!(answer.headers["allow"], allow, "{method} {path}");
    }
    let served = raw.call("GET", "/dns_settings", None).await;
    assert_eq!(served.status, 200);
    assert!(!served.headers.contains_key("allow"));
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let raw = Raw::start().await;
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let request = raw
            .http
            .get(raw.url("/dns_settings"))
            .header("Authorization", format!("{scheme} {DEFAULT_API_TOKEN}"));
        let answer = raw.send(request).await;
        assert_eq!(answer.status, 200, "{scheme}: {:?}", answer.body);
    }
    let wrong = raw
        .http
        .get(raw.url("/dns_settings"))
        .header("Authorization", "bearer wrong");
    assert_eq!(error_codes(&raw.send(wrong).await), [9109]);
    let other_scheme = raw
        .http
        .get(raw.url("/dns_settings"))
        .header("Authorization", format!("Bearers {DEFAULT_API_TOKEN}"));
    assert_eq!(raw.send(other_scheme).await.status, 400);
}

#[tokio::test]
async fn a_body_that_is_not_declared_as_json_is_refused_with_415() {
    let raw = Raw::start().await;
    let body = r#"{"ns_name":"ns1.example.com"}"#;
    let post = |content_type: Option<&str>| {
        let mut request = raw
            .http
            .post(raw.url("/custom_ns"))
            .header("Authorization", format!("Bearer {DEFAULT_API_TOKEN}"))
            .body(body);
        if let Some(content_type) = content_type {
            request = request.header("Content-Type", content_type);
        }
        raw.send(request)
    };
    let text = post(Some("text/plain")).await;
    assert_eq!(text.status, 415);
    assert_eq!(error_codes(&text), [10415]);
    assert_eq!(
        text.body["errors"][0]["message"],
        "The request body must be JSON, but its Content-Type is text/plain; send it with \
         Content-Type: application/json"
    );
    let form = post(Some("application/x-www-form-urlencoded")).await;
    assert_eq!(form.status, 415);
    let missing = post(None).await;
    assert_eq!(missing.status, 415);
    assert!(
        missing.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("no Content-Type header"),
        "{:?}",
        missing.body
    );
    assert!(raw.fake.custom_nameservers(ACCOUNT).is_empty());
    assert_eq!(
        raw.fake.requests().len(),
        3,
        "refused requests are recorded"
    );

    let with_charset = post(Some("application/json; charset=utf-8")).await;
    assert_eq!(with_charset.status, 200, "{:?}", with_charset.body);
    assert_eq!(raw.fake.custom_nameservers(ACCOUNT).len(), 1);
}

#[tokio::test]
async fn a_fake_that_logs_requests_answers_as_usual() {
    let fake = FakeCloudflare::builder()
        .log_requests(true)
        .start()
        .await
        .unwrap();
    assert!(
        format!("{:?}", FakeCloudflare::builder().log_requests(true))
            .contains("log_requests: true")
    );
    let client = fake.client().unwrap();
    let settings = client.get_dns_settings(ACCOUNT).send().await.unwrap();
    assert_eq!(settings.zone_defaults.ns_ttl, 86400);
    assert_eq!(fake.requests().len(), 1);
}

/// Every body Cloudflare's schema accepts, the fake accepts: fields the schema does not name
/// are stored and read back, as the schema admits them.
#[tokio::test]
async fn unknown_fields_are_accepted_as_cloudflares_schema_admits_them() {
    let raw = Raw::start().await;
    let added = raw
        .call(
            "POST",
            "/custom_ns",
            Some(r#"{"ns_name":"ns1.example.com.","colour":"red"}"#),
        )
        .await;
    assert_eq!(added.status, 200, "{:?}", added.body);
    let answer = raw
        .call(
            "PATCH",
            "/dns_settings",
            Some(r#"{"zone_defaults":{"some_new_field":{"a":1},"soa":{"mname":"any text"}},"extra":true}"#),
        )
        .await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    let read = raw.call("GET", "/dns_settings", None).await.body["result"].clone();
    assert_eq!(read["zone_defaults"]["some_new_field"], json!({"a": 1}));
    assert_eq!(read["zone_defaults"]["soa"]["mname"], json!("any text"));
    assert_eq!(read["extra"], json!(true));
}

/// A fully qualified name (final dot) is the same name: added with it, deleted without it.
#[tokio::test]
async fn a_final_dot_names_the_same_nameserver() {
    let raw = Raw::start().await;
    let added = raw
        .call(
            "POST",
            "/custom_ns",
            Some(r#"{"ns_name":"ns1.example.com."}"#),
        )
        .await;
    assert_eq!(added.status, 200, "{:?}", added.body);
    let again = raw
        .call(
            "POST",
            "/custom_ns",
            Some(r#"{"ns_name":"NS1.example.com"}"#),
        )
        .await;
    assert_eq!(again.status, 409, "{:?}", again.body);
    let deleted = raw.call("DELETE", "/custom_ns/ns1.example.com", None).await;
    assert_eq!(deleted.status, 200, "{:?}", deleted.body);
}

/// Sends raw bytes on a fresh connection and reads the answer until the fake closes it.
async fn raw_exchange(fake: &FakeCloudflare, bytes: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(fake.addr()).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut answer),
    )
    .await
    .expect("the fake answers and closes")
    .unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn a_malformed_chunk_size_is_a_400_not_a_413() {
    let fake = FakeCloudflare::start().await.unwrap();
    let head = format!(
        "POST /client/v4/accounts/{ACCOUNT}/custom_ns HTTP/1.1\r\nHost: x\r\n\
         Authorization: Bearer {DEFAULT_API_TOKEN}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\n\r\n"
    );
    let answer = raw_exchange(&fake, format!("{head}zz\r\n{{}}\r\n0\r\n\r\n").as_bytes()).await;
    assert!(
        answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
        "{answer}"
    );
    assert!(
        answer.contains("the request body could not be read"),
        "{answer}"
    );
    assert!(answer.contains("connection: close"), "{answer}");
    assert!(fake.custom_nameservers(ACCOUNT).is_empty());
}

#[tokio::test]
async fn a_body_over_the_bound_is_a_413_that_names_it() {
    let raw = Raw::start().await;
    let body = format!(r#"{{"ns_name": "{}"}}"#, "x".repeat(1024 * 1024));
    let answer = raw.call("POST", "/custom_ns", Some(&body)).await;
    assert_eq!(answer.status, 413);
    assert_eq!(
        answer.body["errors"][0]["message"],
        "the request body is larger than 1048576 bytes"
    );
}

#[tokio::test]
async fn the_record_is_a_ring_with_bodies_cut() {
    use cloudflare_account_dns::fake::RecordLimits;
    let fake = FakeCloudflare::builder()
        .record(RecordLimits::new(3, 8))
        .start()
        .await
        .unwrap();
    let http = reqwest::Client::new();
    for i in 0..5 {
        let status = http
            .post(format!("{}/accounts/{ACCOUNT}/custom_ns", fake.base_url()))
            .header("Authorization", format!("Bearer {DEFAULT_API_TOKEN}"))
            .header("Content-Type", "application/json")
            .body(format!(r#"{{"ns_name": "ns{i}.example.com"}}"#))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 200);
    }
    let seen = fake.requests();
    assert_eq!(seen.len(), 3, "the three most recent");
    assert_eq!(fake.requests_received(), 5);
    let last = &seen[2];
    assert_eq!(last.body, br#"{"ns_nam"#);
    assert_eq!(last.body_len, r#"{"ns_name": "ns4.example.com"}"#.len());
    assert!(last.body_truncated());
    assert_eq!(last.json(), None, "a cut body is not JSON");

    let off = FakeCloudflare::builder()
        .record(RecordLimits::off())
        .start()
        .await
        .unwrap();
    let status = http
        .get(format!(
            "{}/accounts/{ACCOUNT}/dns_settings",
            off.base_url()
        ))
        .header("Authorization", format!("Bearer {DEFAULT_API_TOKEN}"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);
    assert!(off.requests().is_empty());
    assert_eq!(off.requests_received(), 1);
}

#[tokio::test]
async fn faults_from_the_builder_and_accounts_reset() {
    let fake = FakeCloudflare::builder()
        .fault(Fault::status(500).on_operation("get_dns_settings"), 1)
        .start()
        .await
        .unwrap();
    let client = fake.client().unwrap();
    fake.seed_custom_nameserver(ACCOUNT, "ns1.example.com", 1);
    let error = client
        .get_dns_settings(ACCOUNT)
        .retry_policy(cloudflare_account_dns::RetryPolicy::none())
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(fake.custom_nameservers(ACCOUNT).len(), 1);
    fake.reset_account(ACCOUNT);
    assert!(fake.custom_nameservers(ACCOUNT).is_empty());
    fake.seed_custom_nameserver(ACCOUNT, "ns1.example.com", 1);
    fake.reset_accounts();
    assert!(fake.custom_nameservers(ACCOUNT).is_empty());
}

/// What Cloudflare is known to refuse although its schema allows it (the overlay's
/// x-known-refusals), the fake answers as Cloudflare does, and applies nothing.
#[tokio::test]
async fn a_known_refusal_is_answered_as_cloudflare_does() {
    let raw = Raw::start().await;
    let before = raw.call("GET", "/dns_settings", None).await.body["result"].clone();
    let answer = raw
        .call(
            "PATCH",
            "/dns_settings",
            Some(r#"{"zone_defaults":{"flatten_all_cnames":true,"ns_ttl":3600}}"#),
        )
        .await;
    assert_eq!(answer.status, 400, "{:?}", answer.body);
    assert_eq!(error_codes(&answer), vec![1011]);
    assert_eq!(answer.body["result"], Value::Null);
    let after = raw.call("GET", "/dns_settings", None).await.body["result"].clone();
    assert_eq!(before, after, "nothing was applied");
}
