//! The JSON Schema of plugin.yml: valid draft-07, current in docs/, and agreeing with the
//! checks on names, namespaces and format versions.

use serde_json::{Value, json};
use wazo_plugin::plugin::names::{check_name, check_namespace};

fn compile() -> (boon::Schemas, boon::SchemaIndex) {
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    let schema = wazo_plugin::schema::schema();
    compiler
        .add_resource(wazo_plugin::schema::SCHEMA_URL, schema)
        .unwrap();
    let index = compiler
        .compile(wazo_plugin::schema::SCHEMA_URL, &mut schemas)
        .unwrap();
    (schemas, index)
}

fn manifest(extra: Value) -> Value {
    let mut m = json!({"name": "hello", "namespace": "demo", "version": "0.0.1"});
    for (k, v) in extra.as_object().unwrap() {
        m[k] = v.clone();
    }
    m
}

#[test]
fn schema_in_docs_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/plugin.schema.json");
    let expected = wazo_plugin::schema::schema_text();
    if std::env::var_os("WAZO_PLUGIN_UPDATE_DOCS").is_some() {
        std::fs::write(path, &expected).expect("write docs/plugin.schema.json");
    }
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/plugin.schema.json is stale: run `cargo run -- schema > docs/plugin.schema.json`"
    );
}

#[test]
fn schema_accepts_good_manifests_and_refuses_bad_ones() {
    let (schemas, index) = compile();
    let valid = |v: &Value| schemas.validate(v, index).is_ok();
    assert!(valid(&manifest(json!({}))));
    assert!(valid(&manifest(json!({
        "plugin_format_version": 1,
        "depends": [{"name": "admin-ui", "namespace": "official", "version": "1.0"}],
        "debian_depends": ["curl (>= 7.0)"],
        "min_wazo_version": "23.05",
        "tags": ["dialplan"],
        "homepage": "https://example.org",
    }))));
    for bad in [
        json!({"plugin_format_version": 3}),
        json!({"plugin_format_version": "1"}),
        json!({"version": 1.1}),
        json!({"depends": [{"name": "a"}]}),
        json!({"depends": [{"name": "a", "namespace": "b", "other": 1}]}),
        json!({"debian_depends": "curl"}),
        json!({"namspace": "typo"}),
        json!({"tags": "one"}),
    ] {
        assert!(!valid(&manifest(bad.clone())), "accepted {bad}");
    }
    let mut missing = manifest(json!({}));
    missing.as_object_mut().unwrap().remove("version");
    assert!(!valid(&missing));
}

#[test]
fn name_patterns_agree_with_the_checks() {
    let (schemas, index) = compile();
    let samples = [
        "hello",
        "hello-world",
        "a1",
        "Hello",
        "hello_world",
        "x.y",
        "",
        "é",
        "a b",
        "a\n",
    ];
    for s in samples {
        let as_name = schemas
            .validate(&manifest(json!({"name": s})), index)
            .is_ok();
        assert_eq!(as_name, check_name(s).is_none(), "name {s:?}");
        let as_ns = schemas
            .validate(&manifest(json!({"namespace": s})), index)
            .is_ok();
        assert_eq!(as_ns, check_namespace(s).is_none(), "namespace {s:?}");
    }
}
