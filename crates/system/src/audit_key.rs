//! The audit log's key: read from `NKO_AUDIT_KEY` or the key file (owner-only permissions),
//! created on first start, rotated by `nko audit rotate-key`, and checked against the database
//! before anything is written, so a process with the wrong key refuses to start instead of
//! sealing rows nobody can verify.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use anyhow::{Context as _, bail};
use audit::{AuditLog, AuditRecord, ChainHead, ChainKeys, FixedKeys, KeySource, legacy_link};

use crate::files;

use crate::settings::Settings;

/// The key file's name in the data folder.
pub const KEY_FILE: &str = "audit.key";
/// The environment variable that holds the keys instead of a file (lines separated by commas).
pub const KEY_VARIABLE: &str = "NKO_AUDIT_KEY";

/// Where the keys in effect come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyOrigin {
    /// `NKO_AUDIT_KEY`.
    Environment,
    /// The key file at this path.
    File(PathBuf),
}

/// The key file, read again whenever it changes (`nko audit rotate-key` in another process), so
/// every append seals with the keys the file holds at that moment.
#[derive(Debug)]
pub struct KeyFile {
    path: PathBuf,
    cached: Mutex<(Option<SystemTime>, u64, Arc<ChainKeys>)>,
}

impl KeyFile {
    /// The key file at `path`, read now.
    pub fn open(path: PathBuf) -> anyhow::Result<Self> {
        let (modified, len) = stamp(&path)?;
        let keys = Arc::new(read_file(&path)?);
        Ok(Self { path, cached: Mutex::new((modified, len, keys)) })
    }
}

fn stamp(path: &Path) -> anyhow::Result<(Option<SystemTime>, u64)> {
    let meta = std::fs::metadata(path).with_context(|| format!("cannot read the audit key file {}", path.display()))?;
    Ok((meta.modified().ok(), meta.len()))
}

impl KeySource for KeyFile {
    fn current(&self) -> Result<Arc<ChainKeys>, String> {
        let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        let (modified, len) = stamp(&self.path).map_err(|e| format!("{e:#}"))?;
        if (modified, len) != (cached.0, cached.1) {
            let keys = Arc::new(read_file(&self.path).map_err(|e| format!("{e:#}"))?);
            tracing::info!(fingerprint = %keys.newest().fingerprint(), from = keys.newest().from_seq(), "audit key file reread");
            *cached = (modified, len, keys);
        }
        Ok(cached.2.clone())
    }
}

/// The keys in effect, their source for the database (read again before every append), and
/// where they came from. When neither `NKO_AUDIT_KEY` nor the key file exists, a new key is made
/// for the rows after the current head and written to the file (mode 0600, never overwriting a
/// file another process created meanwhile), unless the log was already sealed with a key: then
/// the key file is missing, not new, and the operator must restore it.
pub async fn load_or_create(
    settings: &Settings,
    log: &dyn AuditLog,
) -> anyhow::Result<(ChainKeys, Arc<dyn KeySource>, KeyOrigin)> {
    if let Some(text) = std::env::var(KEY_VARIABLE).ok().filter(|t| !t.trim().is_empty()) {
        let keys =
            ChainKeys::parse(&text.replace(',', "\n")).with_context(|| format!("{KEY_VARIABLE} is not valid"))?;
        return Ok((keys.clone(), Arc::new(FixedKeys(Arc::new(keys))), KeyOrigin::Environment));
    }
    let path = settings.audit_key_path();
    if !path.exists() {
        let head = log.head().await.context("cannot read the audit log's head")?;
        if let Some(head) = &head {
            let last = row_at(log, head.seq).await?;
            if last.is_some_and(|row| legacy_link(&row.prev_hash, row.seq, &row.event) != row.hash) {
                bail!(
                    "файла ключа журнала аудита {path} нет, а журнал запечатан ключом: восстановите файл из \
                     резервной копии (или задайте NKO_AUDIT_KEY) / the audit key file {path} is missing but the \
                     audit log is sealed with a key: restore the file from the backup (or set NKO_AUDIT_KEY)",
                    path = path.display()
                );
            }
        }
        let keys = ChainKeys::generate(head.map_or(0, |h| h.seq) + 1);
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("cannot create the folder {}", folder.display()))?;
        }
        match files::create_new(&path, &keys.to_text()) {
            Ok(()) => {
                tracing::info!(path = %path.display(), fingerprint = %keys.newest().fingerprint(), "created the audit key");
            }
            // Another process created it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e).with_context(|| format!("cannot create the audit key file {}", path.display())),
        }
    }
    let file = KeyFile::open(path.clone())?;
    let keys = file.current().map_err(|e| anyhow::anyhow!(e))?;
    Ok(((*keys).clone(), Arc::new(file), KeyOrigin::File(path)))
}

/// The local checkpoint's file name (beside the key file).
pub const CHECKPOINT_FILE: &str = "audit.checkpoint";

/// The checkpoint kept beside the key file: the chain's head as this server last saw it,
/// written by the gateway every minute and by `nko audit checkpoint`. Someone who can change
/// the database but not this server's files cannot move it back; `nko audit verify` checks
/// against it when no `--checkpoint` is given.
pub fn checkpoint_path(settings: &Settings) -> PathBuf {
    settings.audit_key_path().with_file_name(CHECKPOINT_FILE)
}

/// Reads the local checkpoint, if there is one.
pub fn read_checkpoint(path: &Path) -> anyhow::Result<Option<ChainHead>> {
    match std::fs::read_to_string(path) {
        Ok(text) => ChainHead::parse(&text)
            .map(Some)
            .with_context(|| format!("the local audit checkpoint {} is not SEQ:HASH", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Moves the local checkpoint forward to `head`, but only over a chain that still holds the
/// checkpoint's row unchanged: a log cut or rewritten through the database must not carry the
/// checkpoint along with it (the error says so, and `nko audit verify` names the rows).
pub async fn advance_checkpoint(log: &dyn AuditLog, path: &Path, head: &ChainHead) -> anyhow::Result<()> {
    let kept = read_checkpoint(path)?;
    if let Some(kept) = &kept {
        let intact = row_at(log, kept.seq).await?.is_some_and(|r| r.hash == kept.hash);
        if !intact {
            bail!(
                "журнал аудита больше не содержит запись {seq} локальной контрольной точки: выполните `nko audit \
                 verify` / the audit log no longer holds row {seq} of the local checkpoint: run `nko audit verify`",
                seq = kept.seq
            );
        }
    }
    if kept.is_some_and(|kept| kept.seq >= head.seq) {
        return Ok(());
    }
    files::replace(path, &format!("{head}\n"))
}

/// The row at `seq`, if the log has it.
async fn row_at(log: &dyn AuditLog, seq: i64) -> anyhow::Result<Option<AuditRecord>> {
    let rows = log.scan(seq - 1, 1).await.context("cannot read the audit log")?;
    Ok(rows.into_iter().next().filter(|row| row.seq == seq))
}

/// Refuses keys that do not seal the log's last row: the key file of another installation, a
/// lost key replaced by a new one, or a database restored without its key file.
pub async fn check_against(log: &dyn AuditLog, keys: &ChainKeys) -> anyhow::Result<()> {
    let Some(head) = log.head().await.context("cannot read the audit log's head")? else {
        return Ok(());
    };
    let Some(last) = row_at(log, head.seq).await? else {
        bail!(
            "журнал аудита повреждён: последней записи {seq} нет; проверьте `nko audit verify` / \
             the audit log is broken: its last row {seq} is missing; run `nko audit verify`",
            seq = head.seq
        );
    };
    if keys.seal(&last.prev_hash, last.seq, &last.event) != last.hash {
        bail!(
            "ключ журнала аудита не подходит к этой базе (запись {seq}); возьмите файл ключа с сервера, где база \
             создана, или укажите NKO_AUDIT_KEY / the audit key does not match this database (row {seq}): copy the \
             key file from the server that created the database, or set NKO_AUDIT_KEY",
            seq = last.seq
        );
    }
    Ok(())
}

/// Reads a key file, refusing one that others than its owner may read.
pub fn read_file(path: &Path) -> anyhow::Result<ChainKeys> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(path)
            .with_context(|| format!("cannot read the audit key file {}", path.display()))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            bail!(
                "файл ключа журнала аудита {path} доступен не только владельцу: выполните `chmod 600 {path}` / the audit \
                 key file {path} is readable by others than its owner: run `chmod 600 {path}`",
                path = path.display()
            );
        }
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read the audit key file {}", path.display()))?;
    ChainKeys::parse(&text).with_context(|| format!("the audit key file {} is not valid", path.display()))
}

/// Replaces the key file with `keys` (a new file beside it, then a rename, so a crash leaves the
/// old file or the new one, never half of one).
pub fn replace_file(path: &Path, keys: &ChainKeys) -> anyhow::Result<()> {
    files::replace(path, &keys.to_text())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("nko-key-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("a folder");
        dir
    }

    #[cfg(unix)]
    #[test]
    fn a_new_key_file_is_readable_by_its_owner_only_and_reads_back() {
        use std::os::unix::fs::PermissionsExt as _;
        let path = folder().join(KEY_FILE);
        let keys = ChainKeys::generate(3);
        files::create_new(&path, &keys.to_text()).expect("written");
        assert_eq!(std::fs::metadata(&path).expect("exists").permissions().mode() & 0o777, 0o600);
        assert_eq!(read_file(&path).expect("read back"), keys);
        assert_eq!(files::create_new(&path, "x").map_err(|e| e.kind()), Err(std::io::ErrorKind::AlreadyExists));
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_others_may_read_is_refused_naming_the_fix() {
        use std::os::unix::fs::PermissionsExt as _;
        let path = folder().join(KEY_FILE);
        files::create_new(&path, &ChainKeys::generate(1).to_text()).expect("written");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let error = read_file(&path).expect_err("refused").to_string();
        assert!(error.contains("chmod 600"), "{error}");
    }

    #[test]
    fn replacing_the_key_file_keeps_the_old_keys_and_adds_the_new_one() {
        let path = folder().join(KEY_FILE);
        let mut keys = ChainKeys::generate(1);
        files::create_new(&path, &keys.to_text()).expect("written");
        keys.rotate(10).expect("rotated");
        replace_file(&path, &keys).expect("replaced");
        let read = read_file(&path).expect("read back");
        assert_eq!(read.all().len(), 2);
        assert_eq!(read, keys);
    }
}
