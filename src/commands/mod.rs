//! One module per subcommand.

pub mod ecosystem;
pub mod list;
pub mod manpage;
pub mod meta;
pub mod resources;
