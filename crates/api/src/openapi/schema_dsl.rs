//! A few constructors over utoipa's schema builders, so the component schemas in `schemas.rs`
//! read like the shapes in docs/API.md. (utoipa's `Schema` is an untagged enum, so building it
//! from `serde_json::json!` would silently drop `allOf`/`oneOf`; the builders cannot.)

use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat,
    SchemaType, Type,
};
use utoipa::openapi::{KnownFormat, Ref, RefOr};

/// A reference to the component schema `name`.
pub fn r(name: &str) -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name(name))
}

fn typed(t: Type) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::from(t))
}

/// An object with any properties (rrweb events, free-form metadata and details). utoipa reads an
/// "any value" schema (`{}`) back as no schema at all, so values are left open this way.
pub fn free_object() -> RefOr<Schema> {
    typed(Type::Object)
        .additional_properties(Some(AdditionalProperties::<Schema>::FreeForm(true)))
        .into()
}

pub fn string() -> RefOr<Schema> {
    typed(Type::String).into()
}

/// A string with a description.
pub fn text(description: &str) -> RefOr<Schema> {
    typed(Type::String).description(Some(description)).into()
}

/// A string of `min..=max` characters.
pub fn string_len(min: usize, max: usize) -> RefOr<Schema> {
    typed(Type::String)
        .min_length(Some(min))
        .max_length(Some(max))
        .into()
}

/// An RFC 3339 timestamp.
pub fn time() -> RefOr<Schema> {
    typed(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
        .into()
}

/// An http(s) URL.
pub fn uri() -> RefOr<Schema> {
    typed(Type::String)
        .format(Some(SchemaFormat::Custom("uri".into())))
        .into()
}

pub fn integer() -> RefOr<Schema> {
    typed(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .into()
}

/// An integer in `min..=max`.
pub fn integer_in(min: i64, max: i64) -> RefOr<Schema> {
    typed(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(min))
        .maximum(Some(max))
        .into()
}

pub fn number() -> RefOr<Schema> {
    typed(Type::Number).into()
}

/// A number in `min..=max`.
pub fn number_in(min: f64, max: f64) -> RefOr<Schema> {
    typed(Type::Number)
        .minimum(Some(min))
        .maximum(Some(max))
        .into()
}

pub fn boolean() -> RefOr<Schema> {
    typed(Type::Boolean).into()
}

/// One of the given strings.
pub fn one_of_strings(values: &[&str]) -> RefOr<Schema> {
    typed(Type::String)
        .enum_values(Some(values.iter().copied()))
        .into()
}

/// The schema, or `null`.
pub fn nullable(schema: RefOr<Schema>) -> RefOr<Schema> {
    OneOfBuilder::new()
        .item(schema)
        .item(typed(Type::Null))
        .into()
}

/// An array of `items`.
pub fn array(items: RefOr<Schema>) -> RefOr<Schema> {
    ArrayBuilder::new().items(items).into()
}

/// An array of at most `max` `items`.
pub fn array_max(items: RefOr<Schema>, max: usize) -> RefOr<Schema> {
    ArrayBuilder::new().items(items).max_items(Some(max)).into()
}

/// An object whose keys are free and whose values are `values`.
pub fn map(values: RefOr<Schema>) -> RefOr<Schema> {
    typed(Type::Object)
        .additional_properties(Some(AdditionalProperties::RefOr(values)))
        .into()
}

/// An object with these properties, all required (answers always carry every field).
pub fn object(properties: Vec<(&str, RefOr<Schema>)>) -> RefOr<Schema> {
    let names: Vec<&str> = properties.iter().map(|(name, _)| *name).collect();
    object_with(properties, &names)
}

/// An object with these properties, of which `required` must be present (request bodies).
pub fn object_with(properties: Vec<(&str, RefOr<Schema>)>, required: &[&str]) -> RefOr<Schema> {
    let mut builder = typed(Type::Object);
    for (name, schema) in properties {
        builder = builder.property(name, schema);
    }
    for name in required {
        builder = builder.required(*name);
    }
    builder.into()
}

/// Adds a description to an inline schema (a reference keeps its own).
pub fn describe(schema: RefOr<Schema>, description: &str) -> RefOr<Schema> {
    match schema {
        RefOr::T(Schema::Object(mut object)) => {
            object.description = Some(description.to_string());
            RefOr::T(Schema::Object(object))
        }
        RefOr::T(Schema::Array(mut array)) => {
            array.description = Some(description.to_string());
            RefOr::T(Schema::Array(array))
        }
        other => other,
    }
}

/// A string, or an array of strings.
pub fn one_of_string_or_strings() -> RefOr<Schema> {
    OneOfBuilder::new()
        .item(string())
        .item(array(string()))
        .into()
}

/// `base` with more properties.
pub fn all_of_with(base: RefOr<Schema>, more: RefOr<Schema>) -> RefOr<Schema> {
    utoipa::openapi::schema::AllOfBuilder::new()
        .item(base)
        .item(more)
        .into()
}
