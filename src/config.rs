//! Where things are kept (XDG directories) and the user's config file.

use crate::model::Lang;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The user's settings, from `config.toml` in the config directory (mode 0600: it may
/// hold the operator's token).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The central server, e.g. `https://bianzhi.example.gov:8443`.
    pub server: Option<String>,
    /// The operator's bearer token.
    pub token: Option<String>,
    pub lang: Option<Lang>,
    /// Keymap preset: `default`, `vim` or `emacs`.
    pub keymap: Option<String>,
    /// An intranet's own CA certificate (PEM) to trust for HTTPS.
    pub ca_cert: Option<PathBuf>,
    /// Minutes between background syncs in the interface (default 5).
    pub sync_interval_minutes: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("配置文件 {path} 第{line}行有误：{message}")]
    Syntax {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("配置文件 {0} 可被其他用户读取（内含令牌），拒绝使用。请执行 chmod 600 {0}")]
    WorldReadable(PathBuf),
    #[error("无法读取配置文件 {0}：{1}")]
    Io(PathBuf, std::io::Error),
}

impl Config {
    /// Reads a config file; a missing file is an empty config.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        use std::os::unix::fs::PermissionsExt;
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => return Err(ConfigError::Io(path.into(), e)),
        };
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o004 != 0
        {
            return Err(ConfigError::WorldReadable(path.into()));
        }
        toml::from_str(&text).map_err(|e| ConfigError::Syntax {
            path: path.into(),
            line: line_of(&text, e.span().map_or(0, |s| s.start)),
            message: e.message().to_string(),
        })
    }

    /// Writes the config with mode 0600.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        use std::fmt::Write;
        let mut s = String::new();
        let q = |v: &str| toml::Value::String(v.to_string()).to_string();
        if let Some(v) = &self.server {
            let _ = writeln!(s, "server = {}", q(v));
        }
        if let Some(v) = &self.token {
            let _ = writeln!(s, "token = {}", q(v));
        }
        if let Some(v) = self.lang {
            let _ = writeln!(s, "lang = {}", q(if v == Lang::En { "en" } else { "zh" }));
        }
        if let Some(v) = &self.keymap {
            let _ = writeln!(s, "keymap = {}", q(v));
        }
        if let Some(v) = &self.ca_cert {
            let _ = writeln!(s, "ca_cert = {}", q(&v.to_string_lossy()));
        }
        if let Some(v) = self.sync_interval_minutes {
            let _ = writeln!(s, "sync_interval_minutes = {v}");
        }
        write_private(path, s.as_bytes())
    }
}

/// 1-based line number of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Writes a file readable by its owner only, atomically (temp file + rename).
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

fn dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "bianzhi")
}

/// `$XDG_CONFIG_HOME/bianzhi` (config.toml, keymap.toml).
pub fn config_dir() -> PathBuf {
    dirs()
        .map(|d| d.config_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".bianzhi"))
}

/// `$XDG_DATA_HOME/bianzhi` (the cache).
pub fn data_dir() -> PathBuf {
    dirs()
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".bianzhi"))
}

/// `$XDG_STATE_HOME/bianzhi` (logs).
pub fn state_dir() -> PathBuf {
    dirs()
        .and_then(|d| d.state_dir().map(Path::to_path_buf))
        .unwrap_or_else(|| data_dir().join("state"))
}

pub fn default_config_path() -> PathBuf {
    config_dir().join("config.toml")
}

pub fn default_cache_path() -> PathBuf {
    data_dir().join("cache.db")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_line_of_a_mistake() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        write_private(&p, b"server = \"http://x\"\nlang = \"fr\"\n").unwrap();
        match Config::load(&p) {
            Err(ConfigError::Syntax { line, .. }) => assert_eq!(line, 2),
            other => panic!("{other:?}"),
        }
        let c = Config {
            server: Some("http://a".into()),
            token: Some("t".into()),
            ..Default::default()
        };
        c.save(&p).unwrap();
        assert_eq!(Config::load(&p).unwrap(), c);
    }

    #[test]
    fn refuses_a_world_readable_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(
            Config::load(&p),
            Err(ConfigError::WorldReadable(_))
        ));
    }
}
