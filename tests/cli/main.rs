mod fixtures;
mod meta_files;
