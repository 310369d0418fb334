//! What `download` keeps on disk: the names files get (`name`). The rest of the store (the
//! `.part` files, the archive, the lock) still lives with the download engine in
//! `commands/download/`.

pub mod name;
