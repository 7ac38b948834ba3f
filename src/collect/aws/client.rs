//! Builds the SDK configuration for a run: profile, region, endpoint, credentials (optionally
//! an assumed role), HTTP client, adaptive retries and the per-attempt/operation timeouts.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};

use super::{AwsError, AwsOptions};

/// The base configuration (default credential chain or profile), without any assumed role.
pub async fn base_config(options: &AwsOptions) -> SdkConfig {
    // Explicit rustls + ring client: the default client would pull in aws-lc-sys (a C build).
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .build_https();
    let retry = RetryConfig::adaptive()
        .with_max_attempts(options.max_attempts.max(1))
        .with_initial_backoff(options.initial_backoff);
    let timeouts = TimeoutConfig::builder()
        .operation_timeout(options.call_timeout)
        .connect_timeout(options.call_timeout.min(Duration::from_secs(10)))
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .retry_config(retry)
        .timeout_config(timeouts);
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some(region) = options.regions.first() {
        loader = loader.region(Region::new(region.clone()));
    }
    loader.load().await
}

/// The configuration for one assumed role, built on the base configuration's credentials.
pub async fn assume_role(
    base: &SdkConfig,
    role_arn: &str,
    options: &AwsOptions,
) -> Result<SdkConfig, AwsError> {
    if base.region().is_none() {
        return Err(AwsError::NoRegion);
    }
    let mut builder = aws_config::sts::AssumeRoleProvider::builder(role_arn)
        .session_name(options.session_name.clone())
        .configure(base);
    if let Some(id) = &options.external_id {
        builder = builder.external_id(id.clone());
    }
    let provider = builder.build().await;
    Ok(base
        .to_builder()
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(provider),
        )
        .build())
}

/// A copy of `config` for another region.
pub fn in_region(config: &SdkConfig, region: &str) -> SdkConfig {
    config
        .to_builder()
        .region(Region::new(region.to_owned()))
        .build()
}

/// The S3 client for one region. Path-style addressing when an endpoint is overridden:
/// local emulators and proxies do not serve virtual-host buckets.
pub fn s3(config: &SdkConfig, region: &str) -> aws_sdk_s3::Client {
    let conf = aws_sdk_s3::config::Builder::from(&in_region(config, region))
        .force_path_style(config.endpoint_url().is_some())
        .build();
    aws_sdk_s3::Client::from_conf(conf)
}

/// The ARN partition of a region (`aws`, `aws-cn`, `aws-us-gov`, ...), for ARNs the
/// collectors must spell themselves (an AWS managed policy, the root user).
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else {
        "aws"
    }
}

#[cfg(test)]
mod tests {
    use super::partition;

    #[test]
    fn partitions_of_regions() {
        assert_eq!(partition("eu-west-1"), "aws");
        assert_eq!(partition("cn-north-1"), "aws-cn");
        assert_eq!(partition("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition("us-iso-east-1"), "aws-iso");
        assert_eq!(partition("us-isob-east-1"), "aws-iso-b");
    }
}
