//! Real answers against the document's schemas: a small JSON Schema check (`$ref`, `allOf`,
//! `oneOf`, types, enums, required and unknown properties, items, map values), enough for the
//! shapes `schemas.rs` writes. An answer whose status the operation does not document, whose
//! body lacks a documented field or carries an undocumented one, fails.

use serde_json::Value;

/// Returns the schema of the JSON answer `status` of `method path` (a template).
pub fn response_schema<'a>(doc: &'a Value, method: &str, path: &str, status: u16) -> &'a Value {
    let response =
        &doc["paths"][path][method.to_ascii_lowercase()]["responses"][status.to_string()];
    assert!(
        !response.is_null(),
        "{method} {path} answered {status}, which the document does not list"
    );
    &response["content"]["application/json"]["schema"]
}

/// Returns where `value` breaks `schema` (empty when it conforms).
pub fn violations(doc: &Value, schema: &Value, value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    check(doc, schema, value, "$", true, &mut out);
    out
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => resolve(doc, doc.pointer(&reference[1..]).expect("a $ref resolves")),
        None => schema,
    }
}

/// The property names an object schema (with its `allOf` parts) declares.
fn declared(doc: &Value, schema: &Value, names: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        names.extend(properties.keys().cloned());
    }
    for part in schema["allOf"].as_array().into_iter().flatten() {
        declared(doc, part, names);
    }
}

fn type_matches(name: &str, value: &Value) -> bool {
    match name {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "null" => value.is_null(),
        _ => false,
    }
}

/// `strict`: refuse properties the schema does not declare (off inside an `allOf` part, whose
/// siblings declare the rest; the `allOf` itself checks the union).
fn check(
    doc: &Value,
    schema: &Value,
    value: &Value,
    at: &str,
    strict: bool,
    out: &mut Vec<String>,
) {
    let schema = resolve(doc, schema);
    if let Some(parts) = schema["allOf"].as_array() {
        for part in parts {
            check(doc, part, value, at, false, out);
        }
    }
    if let Some(choices) = schema["oneOf"].as_array() {
        let fits = choices
            .iter()
            .filter(|choice| violations_at(doc, choice, value, at).is_empty())
            .count();
        if fits == 0 {
            out.push(format!("{at}: {value} fits none of oneOf"));
        }
    }
    if let Some(name) = schema["type"].as_str()
        && !type_matches(name, value)
    {
        out.push(format!("{at}: {value} is not {name}"));
        return;
    }
    if let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(value)
    {
        out.push(format!("{at}: {value} is not one of {allowed:?}"));
    }
    if let Some(object) = value.as_object() {
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap();
            if !object.contains_key(name) {
                out.push(format!("{at}: no `{name}`"));
            }
        }
        if let Some(properties) = schema["properties"].as_object() {
            for (name, property) in properties {
                if let Some(v) = object.get(name) {
                    check(doc, property, v, &format!("{at}.{name}"), strict, out);
                }
            }
        }
        if let Some(values) = schema.get("additionalProperties").filter(|v| v.is_object()) {
            for (name, v) in object {
                check(doc, values, v, &format!("{at}.{name}"), strict, out);
            }
        }
        let closed = schema.get("additionalProperties").is_none()
            && (schema.get("properties").is_some() || schema.get("allOf").is_some());
        if strict && closed {
            let mut names = Vec::new();
            declared(doc, schema, &mut names);
            for name in object.keys().filter(|k| !names.contains(k)) {
                out.push(format!("{at}: `{name}` is not documented"));
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, item) in array.iter().enumerate() {
            check(doc, items, item, &format!("{at}[{i}]"), strict, out);
        }
    }
}

fn violations_at(doc: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let mut out = Vec::new();
    check(doc, schema, value, at, true, &mut out);
    out
}
