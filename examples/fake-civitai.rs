//! A fake Civitai server for trying civimg offline (placeholder).
fn main() {}
