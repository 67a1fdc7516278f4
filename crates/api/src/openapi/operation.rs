//! `Op`: one documented operation, built in a few chained calls. It adds what every operation of
//! its kind has (the security requirement, `401 unauthenticated` behind a login, `403
//! csrf_rejected` on cookie writes) and turns the `ApiError`s it may answer into error
//! responses, grouped by status, whose schema names the possible codes. Codes and statuses come
//! from `ApiError::code`/`status` themselves, so the document cannot name a code that does not
//! exist or give it the wrong status.

use axum::http::Method;
use utoipa::openapi::path::{
    HttpMethod, Operation, OperationBuilder, ParameterBuilder, ParameterIn,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{AllOfBuilder, Schema};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{ContentBuilder, RefOr, Required};

use super::schema_dsl::{object, one_of_strings, r};
use crate::error::ApiError;

/// Who may call an operation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// No credentials.
    Public,
    /// The project's ingest key (header or `?project=`).
    IngestKey,
    /// A login cookie or an API key (Bearer).
    User,
    /// A login cookie only: API keys are refused (`403 forbidden`).
    LoginOnly,
}

pub struct Op {
    pub method: Method,
    pub path: &'static str,
    builder: OperationBuilder,
    auth: Auth,
    errors: Vec<ApiError>,
    /// Non-JSON failures (plain-text 404 of a static file, `readyz`'s 503).
    plain_errors: Vec<(u16, &'static str, &'static str)>,
}

impl Op {
    /// An operation with its id (camelCase, unique) and one-line summary. Logged-in by default.
    pub fn new(method: Method, path: &'static str, id: &str, summary: &str) -> Self {
        Self {
            method,
            path,
            builder: OperationBuilder::new()
                .operation_id(Some(id))
                .summary(Some(summary)),
            auth: Auth::User,
            errors: Vec::new(),
            plain_errors: Vec::new(),
        }
    }

    pub fn tag(mut self, tag: &str) -> Self {
        self.builder = self.builder.tag(tag);
        self
    }

    /// Longer prose (Markdown), for what a schema cannot say: rules, side effects, audit.
    pub fn describe(mut self, description: &str) -> Self {
        self.builder = self.builder.description(Some(description));
        self
    }

    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    fn parameter(
        mut self,
        name: &str,
        place: ParameterIn,
        required: bool,
        schema: RefOr<Schema>,
        description: &str,
    ) -> Self {
        let required = if required {
            Required::True
        } else {
            Required::False
        };
        self.builder = self.builder.parameter(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(place)
                .required(required)
                .description(Some(description))
                .schema(Some(schema)),
        );
        self
    }

    /// A path parameter (a string: ids are opaque).
    pub fn path_param(self, name: &str, description: &str) -> Self {
        let schema = super::schema_dsl::string();
        self.parameter(name, ParameterIn::Path, true, schema, description)
    }

    pub fn query(self, name: &str, schema: RefOr<Schema>, description: &str) -> Self {
        self.parameter(name, ParameterIn::Query, false, schema, description)
    }

    pub fn query_required(self, name: &str, schema: RefOr<Schema>, description: &str) -> Self {
        self.parameter(name, ParameterIn::Query, true, schema, description)
    }

    pub fn header(self, name: &str, description: &str) -> Self {
        let schema = super::schema_dsl::string();
        self.parameter(name, ParameterIn::Header, false, schema, description)
    }

    /// A required JSON request body.
    pub fn json_body(self, schema: RefOr<Schema>) -> Self {
        self.body("application/json", schema)
    }

    pub fn body(mut self, content_type: &str, schema: RefOr<Schema>) -> Self {
        self.builder = self.builder.request_body(Some(
            RequestBodyBuilder::new()
                .content(
                    content_type,
                    ContentBuilder::new().schema(Some(schema)).build(),
                )
                .required(Some(Required::True))
                .build(),
        ));
        self
    }

    /// A successful JSON answer.
    pub fn ok(self, status: u16, description: &str, schema: RefOr<Schema>) -> Self {
        self.answer(status, description, "application/json", schema)
    }

    /// A successful answer of another content type.
    pub fn answer(
        mut self,
        status: u16,
        description: &str,
        content_type: &str,
        schema: RefOr<Schema>,
    ) -> Self {
        self.builder = self.builder.response(
            status.to_string(),
            ResponseBuilder::new().description(description).content(
                content_type,
                ContentBuilder::new().schema(Some(schema)).build(),
            ),
        );
        self
    }

    /// A successful answer in one of several content types (chosen by a parameter).
    pub fn answers(
        mut self,
        status: u16,
        description: &str,
        contents: Vec<(&str, RefOr<Schema>)>,
    ) -> Self {
        let mut response = ResponseBuilder::new().description(description);
        for (content_type, schema) in contents {
            response = response.content(
                content_type,
                ContentBuilder::new().schema(Some(schema)).build(),
            );
        }
        self.builder = self.builder.response(status.to_string(), response);
        self
    }

    /// A successful answer without a body (`204`).
    pub fn empty(mut self, status: u16, description: &str) -> Self {
        self.builder = self.builder.response(
            status.to_string(),
            ResponseBuilder::new().description(description),
        );
        self
    }

    /// The API errors this operation may answer, besides those its `Auth` implies.
    pub fn errors(mut self, errors: impl IntoIterator<Item = ApiError>) -> Self {
        self.errors.extend(errors);
        self
    }

    /// A failure answered as text or HTML rather than the error envelope.
    pub fn plain_error(
        mut self,
        status: u16,
        content_type: &'static str,
        description: &'static str,
    ) -> Self {
        self.plain_errors.push((status, content_type, description));
        self
    }

    /// Returns the path, method and finished operation.
    pub fn finish(self) -> (&'static str, HttpMethod, Operation) {
        let method = http_method(&self.method);
        let mut errors = self.errors;
        let mut builder = self.builder;
        match self.auth {
            Auth::Public => {}
            Auth::IngestKey => {
                builder = builder
                    .security(SecurityRequirement::new("ingest_key", Vec::<String>::new()))
                    .security(SecurityRequirement::new(
                        "ingest_key_query",
                        Vec::<String>::new(),
                    ));
            }
            Auth::User | Auth::LoginOnly => {
                builder = builder.security(SecurityRequirement::new(
                    "session_cookie",
                    Vec::<String>::new(),
                ));
                if self.auth == Auth::User {
                    builder =
                        builder.security(SecurityRequirement::new("api_key", Vec::<String>::new()));
                }
                errors.insert(0, ApiError::Unauthenticated);
                if self.method != Method::GET {
                    errors.push(ApiError::CsrfRejected);
                }
            }
        }
        for (status, codes) in group_by_status(&errors) {
            builder = builder.response(status.to_string(), error_response(&codes));
        }
        for (status, content_type, description) in self.plain_errors {
            builder = builder.response(
                status.to_string(),
                ResponseBuilder::new().description(description).content(
                    content_type,
                    ContentBuilder::new()
                        .schema(Some(super::schema_dsl::string()))
                        .build(),
                ),
            );
        }
        (self.path, method, builder.build())
    }
}

fn http_method(method: &Method) -> HttpMethod {
    match *method {
        Method::GET => HttpMethod::Get,
        Method::POST => HttpMethod::Post,
        Method::PUT => HttpMethod::Put,
        Method::PATCH => HttpMethod::Patch,
        Method::DELETE => HttpMethod::Delete,
        Method::OPTIONS => HttpMethod::Options,
        Method::HEAD => HttpMethod::Head,
        _ => unreachable!("the router uses no other method"),
    }
}

/// Returns the distinct codes of `errors` per HTTP status, statuses ascending.
fn group_by_status(errors: &[ApiError]) -> Vec<(u16, Vec<&'static str>)> {
    let mut groups: Vec<(u16, Vec<&'static str>)> = Vec::new();
    for error in errors {
        let status = error.status().as_u16();
        let code = error.code();
        match groups.iter_mut().find(|(s, _)| *s == status) {
            Some((_, codes)) if codes.contains(&code) => {}
            Some((_, codes)) => codes.push(code),
            None => groups.push((status, vec![code])),
        }
    }
    groups.sort_by_key(|(status, _)| *status);
    groups
}

/// The error envelope restricted to `codes`, described by what each code means.
fn error_response(codes: &[&'static str]) -> utoipa::openapi::Response {
    let description = codes
        .iter()
        .map(|code| format!("`{code}`: {}", super::errors::meaning(code)))
        .collect::<Vec<_>>()
        .join("; ");
    let schema = AllOfBuilder::new().item(r("Error")).item(object(vec![(
        "error",
        object(vec![("code", one_of_strings(codes))]),
    )]));
    let mut response = ResponseBuilder::new().description(description);
    if codes.iter().any(|c| super::errors::has_retry_after(c)) {
        response = response.header(
            "Retry-After",
            utoipa::openapi::HeaderBuilder::new()
                .schema(Some(super::schema_dsl::integer()))
                .description(Some("Seconds to wait before retrying."))
                .build(),
        );
    }
    response
        .content(
            "application/json",
            ContentBuilder::new().schema(Some(schema)).build(),
        )
        .build()
}
