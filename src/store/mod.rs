//! What `download` keeps on disk below DIR: the names files get (`name`), the `.part` files
//! (`part`), the archive of completed items (`archive`), the run's lock (`lock`), and the one
//! way every file below DIR is opened (`safe_fs`: no link followed, nothing but regular files).
//! The download engine in `commands/download/` fetches into it.

pub mod archive;
pub mod lock;
pub mod name;
pub mod part;
pub mod safe_fs;
