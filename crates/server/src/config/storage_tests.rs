//! Storage configuration: regions and S3 credentials through every layer.

use std::collections::BTreeMap;

use super::storage::{parse_region_flag, regions_from_env};
use super::*;

fn file(text: &str) -> ConfigLayer {
    toml::from_str(text).unwrap()
}

fn env(pairs: &[(&str, &str)]) -> ConfigLayer {
    let vars: BTreeMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut layer = ConfigLayer::from_env(|k| vars.get(k).cloned()).unwrap();
    layer.regions = regions_from_env(vars.clone()).unwrap();
    layer
}

fn error(layer: ConfigLayer) -> String {
    format!("{:#}", resolve(layer).unwrap_err())
}

#[test]
fn regions_come_from_the_file_and_open_as_blob_regions() {
    let dir = tempfile::tempdir().unwrap();
    let config = resolve(file(&format!(
        "blob_store = \"memory://\"\n[regions.eu]\nblob_store = \"file://{}\"\n\
         [regions.us-west]\nblob_store = \"memory://\"",
        dir.path().join("eu").display()
    )))
    .unwrap();
    assert_eq!(config.regions.keys().collect::<Vec<_>>(), ["eu", "us-west"]);
    let regions = config.blob_regions().unwrap();
    assert_eq!(regions.names(), ["default", "eu", "us-west"]);
    assert!(regions.describe().contains("eu: local directory"));
    config.check_region("eu").unwrap();
    config.check_region("default").unwrap();
    let unknown = config.check_region("asia").unwrap_err().to_string();
    assert!(unknown.contains("default, eu, us-west"), "{unknown}");
}

#[test]
fn flags_beat_env_beat_file_per_region_and_per_key() {
    let file = file(
        "[regions.eu]\nblob_store = \"file:///from-file\"\ns3_access_key_id = \"file-id\"\n\
         s3_secret_access_key = \"file-secret\"\n[regions.us]\nblob_store = \"file:///us\"",
    );
    let env = env(&[
        ("TAPEDECK_REGIONS__EU__BLOB_STORE", "file:///from-env"),
        ("TAPEDECK_REGIONS__US_EAST__BLOB_STORE", "file:///us-east"),
    ]);
    let flags = ConfigLayer {
        region_blob_stores: vec![parse_region_flag("us=file:///from-flag").unwrap()],
        ..Default::default()
    };
    let config = resolve(flags.over(env).over(file)).unwrap();
    let eu = &config.regions["eu"];
    assert_eq!(eu.blob_store, "file:///from-env");
    // The env changed eu's blob_store only: the file's credentials for eu still hold.
    assert_eq!(
        eu.s3_credentials.as_ref().unwrap().secret_access_key,
        "file-secret"
    );
    assert_eq!(config.regions["us"].blob_store, "file:///from-flag");
    assert_eq!(config.regions["us-east"].blob_store, "file:///us-east");
}

#[test]
fn bad_regions_are_refused_clearly() {
    assert!(
        error(file("[regions.EU]\nblob_store = \"memory://\"")).contains("bad storage region name")
    );
    assert!(
        error(file("[regions.default]\nblob_store = \"memory://\"")).contains("blob_store itself")
    );
    assert!(error(file("[regions.eu]\ns3_access_key_id = \"x\"")).contains("no blob_store"));
    assert!(toml::from_str::<ConfigLayer>("[regions.eu]\nblob_stor = \"memory://\"").is_err());
    assert!(
        error(file("[regions.eu]\nblob_store = \"s3://eu?nope=1\""))
            .contains("regions.eu.blob_store")
    );
    assert!(error(file("blob_store = \"s3://\"")).contains("missing bucket"));
    assert!(parse_region_flag("eu").is_err());
    assert!(parse_region_flag("E U=memory://").is_err());
    let unknown = regions_from_env([(
        "TAPEDECK_REGIONS__EU__BLOBSTORE".to_string(),
        "x".to_string(),
    )])
    .unwrap_err()
    .to_string();
    assert!(unknown.contains("unknown key"), "{unknown}");
    assert!(regions_from_env([("TAPEDECK_REGIONS__EU".to_string(), "x".to_string())]).is_err());
}

fn file_layer() -> ConfigLayer {
    file("s3_access_key_id = \"file-id\"\ns3_secret_access_key = \"file-secret\"")
}

#[test]
fn s3_credentials_layer_and_never_print() {
    let file = file_layer();
    let aws = ConfigLayer::from_aws_env(|k| match k {
        "AWS_ACCESS_KEY_ID" => Some("aws-id".into()),
        "AWS_SECRET_ACCESS_KEY" => Some("aws-secret".into()),
        _ => None,
    });
    let from_aws = resolve(ConfigLayer::default().over(aws.clone())).unwrap();
    assert_eq!(from_aws.s3_credentials.unwrap().access_key_id, "aws-id");
    let from_file = resolve(file.clone().over(aws.clone())).unwrap();
    assert_eq!(
        from_file.s3_credentials.as_ref().unwrap().secret_access_key,
        "file-secret"
    );
    let env = env(&[
        ("TAPEDECK_S3_ACCESS_KEY_ID", "env-id"),
        ("TAPEDECK_S3_SECRET_ACCESS_KEY", "env-secret"),
    ]);
    let config = resolve(env.over(file).over(aws)).unwrap();
    assert_eq!(
        config.s3_credentials.as_ref().unwrap().access_key_id,
        "env-id"
    );
    let printed = format!("{config:?}");
    assert!(!printed.contains("env-secret"), "{printed}");
    let layer = format!("{:?}", file_layer());
    assert!(!layer.contains("file-secret"), "{layer}");
}

#[test]
fn half_a_key_pair_is_refused() {
    assert!(error(file("s3_access_key_id = \"id\"")).contains("secret access key"));
    assert!(
        error(file(
            "[regions.eu]\nblob_store = \"memory://\"\ns3_secret_access_key = \"s\""
        ))
        .contains("regions.eu")
    );
}

#[test]
fn s3_regions_open_with_their_own_or_the_shared_credentials() {
    let config = resolve(file(
        "blob_store = \"memory://\"\n[regions.eu]\nblob_store = \"s3://bucket-eu?endpoint=http://127.0.0.1:1\"",
    ))
    .unwrap();
    let missing = format!("{:#}", config.blob_regions().err().unwrap());
    assert!(
        missing.contains("region \"eu\"") && missing.contains("no credentials"),
        "{missing}"
    );
    let config = resolve(file(
        "blob_store = \"memory://\"\ns3_access_key_id = \"id\"\ns3_secret_access_key = \"s\"\n\
         [regions.eu]\nblob_store = \"s3://bucket-eu/p?endpoint=http://127.0.0.1:1\"",
    ))
    .unwrap();
    let regions = config.blob_regions().unwrap();
    assert!(
        regions.describe().contains("eu: s3 bucket bucket-eu/p"),
        "{}",
        regions.describe()
    );
}

#[test]
fn the_printed_region_example_works_uncommented() {
    let uncommented = ANNOTATED_DEFAULTS
        .replace("# [regions.eu]", "[regions.eu]")
        .replace(
            "# blob_store = \"s3://recordings-eu",
            "blob_store = \"s3://recordings-eu",
        );
    let config = resolve(file(&uncommented)).unwrap();
    assert_eq!(
        config.regions["eu"].blob_store,
        "s3://recordings-eu?region=eu-central-1"
    );
    assert_eq!(config.session_idle_secs, 300);
}
