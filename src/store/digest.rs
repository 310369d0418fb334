//! What civimg learns of a file's bytes as they pass: SHA-256, length and first bytes (for
//! the type). One type serves a transfer, a resumed `.part` and a file already on disk.

use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::sniff::SNIFF_LEN;

/// Running digest of a file's bytes.
#[derive(Clone, Default)]
pub struct FileDigest {
    hasher: Sha256,
    /// Bytes seen.
    pub size: u64,
    /// The first [`SNIFF_LEN`] bytes.
    pub head: Vec<u8>,
}

impl FileDigest {
    /// Takes in the next bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        if self.head.len() < SNIFF_LEN {
            let need = (SNIFF_LEN - self.head.len()).min(bytes.len());
            self.head.extend_from_slice(&bytes[..need]);
        }
        self.hasher.update(bytes);
        self.size += bytes.len() as u64;
    }

    /// The digest of a whole file on disk (blocking: call from `spawn_blocking`); a link at
    /// `path` is an error, never followed.
    pub fn of_file(path: &Path) -> std::io::Result<FileDigest> {
        let mut file = super::safe_fs::open_read(path)?;
        let mut digest = FileDigest::default();
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                return Ok(digest);
            }
            digest.update(&buf[..n]);
        }
    }

    /// Lower-case hex SHA-256 of everything taken in.
    pub fn sha256_hex(&self) -> String {
        self.hasher
            .clone()
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_and_whole_files_agree() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let bytes: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        let mut streamed = FileDigest::default();
        for chunk in bytes.chunks(7) {
            streamed.update(chunk);
        }
        let whole = FileDigest::of_file(&path).unwrap();
        assert_eq!(streamed.sha256_hex(), whole.sha256_hex());
        assert_eq!(whole.size, 100_000);
        assert_eq!(whole.head, bytes[..SNIFF_LEN]);
        // SHA-256 of "abc", a published test vector.
        let mut abc = FileDigest::default();
        abc.update(b"abc");
        assert_eq!(
            abc.sha256_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
