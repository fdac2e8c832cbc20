//! Files only their owner may read (0600): the audit key, the local checkpoint, the embedded
//! database, exports of people's data. One place decides how they are created and replaced.

use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;

fn owner_only(options: &mut std::fs::OpenOptions) -> &mut std::fs::OpenOptions {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(options, 0o600);
    options
}

/// Writes `text` to a new file only its owner can read; fails if the file exists.
pub fn create_new(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = owner_only(std::fs::OpenOptions::new().write(true).create_new(true)).open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// Replaces `path` with `text`: a new owner-only file beside it, then a rename, so a crash leaves
/// the old file or the new one, never half of one.
pub fn replace(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut next = path.as_os_str().to_owned();
    next.push(".new");
    let next = std::path::PathBuf::from(next);
    let _ = std::fs::remove_file(&next);
    create_new(&next, text).with_context(|| format!("cannot write {}", next.display()))?;
    std::fs::rename(&next, path).with_context(|| format!("cannot replace {}", path.display()))
}

/// Creates or empties a file only its owner can read (a file that existed is narrowed to 0600).
pub fn private_file(path: &Path) -> anyhow::Result<std::fs::File> {
    let file = owner_only(std::fs::OpenOptions::new().write(true).create(true).truncate(true))
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("cannot restrict {}", path.display()))?;
    }
    Ok(file)
}
