//! One module per subcommand (`download` with its engine below it).

pub mod download;
pub mod ecosystem;
pub mod list;
pub mod manpage;
pub mod meta;
pub mod resources;
