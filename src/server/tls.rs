//! HTTPS for the reference server: rustls over the TCP listener. An intranet usually
//! signs its servers with its own CA; terminals trust it through `ca_cert` in their
//! config file (see `sync::Client::with_ca`).
//!
//! Handshakes run in each connection's own task (`listen`), within a time limit, so a
//! client that stalls mid-handshake never holds up the others.

use super::{Error, Result, Tls};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::sync::Arc;
use std::time::Duration;

/// A client that has not finished its handshake by then is dropped.
pub(crate) const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Reads the PEM files into a rustls server configuration.
pub(crate) fn config(tls: &Tls) -> Result<Arc<rustls::ServerConfig>> {
    let certs = CertificateDer::pem_file_iter(&tls.cert)
        .and_then(|it| it.collect::<std::result::Result<Vec<_>, _>>())
        .map_err(|e| {
            Error::Tls(format!(
                "无法读取 TLS 证书 {}：{e}（应为 PEM 格式）",
                tls.cert.display()
            ))
        })?;
    if certs.is_empty() {
        return Err(Error::Tls(format!(
            "TLS 证书文件 {} 中没有证书（应为 PEM 格式）",
            tls.cert.display()
        )));
    }
    let key = PrivateKeyDer::from_pem_file(&tls.key).map_err(|e| {
        Error::Tls(format!(
            "无法读取 TLS 私钥 {}：{e}（应为 PEM 格式）",
            tls.key.display()
        ))
    })?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls(format!("TLS 配置失败：{e}")))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| Error::Tls(format!("TLS 证书与私钥不匹配或无效：{e}")))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
