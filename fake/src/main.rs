//! `fake-civitai`: the fake Civitai as a program, for trying civimg offline and for benchmarks.
//!
//! Serves `GET /api/v1/images`, an image host and a fallback file host on loopback until
//! Ctrl-C; see `fake/src/lib.rs` for the dataset and `/__fake/…` for the control endpoints.
//! The three ports have fixed defaults, so the `export` line it prints stays the same between
//! runs and can live in a shell profile.

use civimg_fake as fake;

use std::time::Duration;

use clap::Parser;

/// Command-line flags of the fake server.
#[derive(Parser)]
#[command(about = "A fake Civitai images API on loopback")]
struct Args {
    /// API port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Image host port, served as `localhost` (0 = any free port).
    #[arg(long, default_value_t = 8788)]
    image_port: u16,
    /// Fallback file host port (0 = any free port).
    #[arg(long, default_value_t = 8789)]
    fallback_port: u16,
    /// Number of generated items.
    #[arg(long, default_value_t = 1200)]
    images: usize,
    /// Force every original file to this many bytes (benchmarks).
    #[arg(long, value_name = "BYTES")]
    image_size: Option<u64>,
    /// Delay before the first byte of every image body, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    first_byte_delay_ms: u64,

    /// Pause between the 64 KiB chunks of every image body, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    chunk_delay_ms: u64,

    /// The real legacy path: off-by-one numeric cursors, engagement sorts as newest-by-id,
    /// Random → 400, unknown username → 404.
    #[arg(long)]
    legacy: bool,

    /// Search-path cursors of the newer `offset|bdx:{json}` form.
    #[arg(long)]
    bdx_cursors: bool,

    /// Honour `flatMeta=true`.
    #[arg(long)]
    flat_meta: bool,

    /// Every switch of the official reference (public-only listing, all-of tags, `page`
    /// ignored, default limit 50, `feed:` cursors, thumbnails; see doc/api.md).
    #[arg(long)]
    reference: bool,
    /// Add this many audio items (MP3 files).
    #[arg(long, value_name = "N", default_value_t = 0)]
    audio: usize,

    /// Some videos answer a one-frame WebP to `original=true` (see fake/src/media.rs).
    #[arg(long)]
    video_stills: bool,

    /// The fallback file host serves other bytes than the image host (same lengths).
    #[arg(long)]
    fallback_differs: bool,
}

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let cfg = fake::FakeConfig {
        images: args.images,
        image_size: args.image_size,
        first_byte_delay: Duration::from_millis(args.first_byte_delay_ms),
        chunk_delay: Duration::from_millis(args.chunk_delay_ms),
        audio: args.audio,
        video_stills: args.video_stills,
        fallback_differs: args.fallback_differs,
    };
    let ports = fake::Ports {
        api: args.port,
        images: args.image_port,
        fallback: args.fallback_port,
    };
    let server = fake::FakeCivitai::start_on(cfg, ports)?;
    let base_modes = match args.reference {
        true => fake::Modes::reference(),
        false => fake::Modes::default(),
    };
    server.set_modes(fake::Modes {
        legacy: args.legacy,
        bdx_cursors: args.bdx_cursors,
        flat_meta: args.flat_meta,
        ..base_modes
    });
    server.warm_up();
    let base = server.base_url();
    println!("fake Civitai API on {base}");
    println!("images on {}", server.image_base());
    println!("fallback file host on {}", server.fallback_base());
    println!("control: POST {base}/__fake/fault?kind=api429&retry_after=1, POST {base}/__fake/mode?legacy=1, GET {base}/__fake/requests, GET {base}/__fake/stats");
    println!("try: civimg --base-url {base} list --username alice_ai --max 5");
    // One line to paste into another shell: collections' file urls and the fallback host point
    // at the fake too, so nothing reaches for the real file hosts.
    println!(
        "export CIVITAI_BASE_URL={base} CIVIMG_IMAGE_HOST={} CIVIMG_IMAGE_FALLBACK_HOST={}",
        server.image_base(),
        server.fallback_base()
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(tokio::signal::ctrl_c())?;
    drop(server);
    Ok(())
}
