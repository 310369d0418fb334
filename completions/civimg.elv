
use builtin;
use str;

set edit:completion:arg-completer[civimg] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'civimg'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'civimg'= {
            cand --base-url 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]'
            cand --api-key 'API key'
            cand --timeout 'Seconds to wait for a connection or for the next bytes of a response [default: 30]'
            cand --retries 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]'
            cand --api-interval 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine'
            cand --image-host 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]'
            cand --image-fallback-host 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]'
            cand --color 'When to use colour (NO_COLOR in the environment means never for auto)'
            cand -q 'Print only errors (no progress, no retry notices)'
            cand --quiet 'Print only errors (no progress, no retry notices)'
            cand -v 'Print request URLs and retry decisions on stderr'
            cand --verbose 'Print request URLs and retry decisions on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List images matching a query, as a table, JSON lines, JSON or CSV'
            cand download 'Download full-resolution originals, resumably, several at a time'
            cand meta 'Show how an image was made: prompt, seed, sampler, model, resources'
            cand resources 'Which models, LoRAs and embeddings made these images, and which of them you lack'
            cand completions 'Print a shell completion script'
            cand man 'Print the manual page (roff): every subcommand and option, exit codes, the config file'
            cand config 'Show where the config file is and what it holds'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'civimg;list'= {
            cand -f 'Output format [default: table on a terminal, jsonl otherwise]'
            cand --format 'Output format [default: table on a terminal, jsonl otherwise]'
            cand --fields 'Fields to show, as dotted paths (id,username,meta.seed)'
            cand --username 'Only images by this user; repeatable'
            cand --user-id 'Only images by this user id; repeatable'
            cand --model-id 'Only images made with this model; repeatable'
            cand --model-version-id 'Only images of this model version; repeatable'
            cand --post-id 'Only images of this post; repeatable'
            cand --image-id 'Only this image, at any level; repeatable'
            cand --collection-id 'Images of this collection; repeatable, alone'
            cand --sort 'Order of the results [API''s default: most-reactions]'
            cand --period 'Time window of the results [API''s default: all-time]'
            cand --browsing-level 'Levels: PG=1 PG13=2 R=4 X=8 XXX=16, summed'
            cand --nsfw 'Legacy content filter (--browsing-level wins)'
            cand --type 'Only images, only videos or only audio'
            cand --base-model 'Only this base model; repeatable'
            cand --tag 'Only images with this tag id (4,6: all of them)'
            cand --since 'Only items created on or after DATE (YYYY-MM-DD)'
            cand --until 'Only items created on or before DATE (YYYY-MM-DD)'
            cand --max 'Stop after N items in total'
            cand --cursor 'Start at this cursor (as printed when a walk stops early)'
            cand --limit 'Items per page, 1-200 [default: 100]'
            cand --page 'Only 1: the API ignores page numbers on listings and would answer page 1 for any other (use --cursor to go on where a walk stopped, --max to take fewer items)'
            cand --base-url 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]'
            cand --api-key 'API key'
            cand --timeout 'Seconds to wait for a connection or for the next bytes of a response [default: 30]'
            cand --retries 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]'
            cand --api-interval 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine'
            cand --image-host 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]'
            cand --image-fallback-host 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]'
            cand --color 'When to use colour (NO_COLOR in the environment means never for auto)'
            cand --no-meta 'Do not ask for generation data (`meta` stays null)'
            cand --with-tags 'Ask for each image''s tags'
            cand -q 'Print only errors (no progress, no retry notices)'
            cand --quiet 'Print only errors (no progress, no retry notices)'
            cand -v 'Print request URLs and retry decisions on stderr'
            cand --verbose 'Print request URLs and retry decisions on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'civimg;download'= {
            cand -o 'Directory to save into [default: .]'
            cand --out 'Directory to save into [default: .]'
            cand -j 'Files transferred at once, 1-32 [default: 4]'
            cand --concurrency 'Files transferred at once, 1-32 [default: 4]'
            cand --name 'File name template [default: {id}.{ext}]'
            cand --input 'Read what to download from FILE (- is stdin)'
            cand --stop-after-known 'With --sort newest: stop after N known in a row'
            cand --max-file-size 'Largest file to save (K, M, G)'
            cand --username 'Only images by this user; repeatable'
            cand --user-id 'Only images by this user id; repeatable'
            cand --model-id 'Only images made with this model; repeatable'
            cand --model-version-id 'Only images of this model version; repeatable'
            cand --post-id 'Only images of this post; repeatable'
            cand --image-id 'Only this image, at any level; repeatable'
            cand --collection-id 'Images of this collection; repeatable, alone'
            cand --sort 'Order of the results [API''s default: most-reactions]'
            cand --period 'Time window of the results [API''s default: all-time]'
            cand --browsing-level 'Levels: PG=1 PG13=2 R=4 X=8 XXX=16, summed'
            cand --nsfw 'Legacy content filter (--browsing-level wins)'
            cand --type 'Only images, only videos or only audio'
            cand --base-model 'Only this base model; repeatable'
            cand --tag 'Only images with this tag id (4,6: all of them)'
            cand --since 'Only items created on or after DATE (YYYY-MM-DD)'
            cand --until 'Only items created on or before DATE (YYYY-MM-DD)'
            cand --max 'Stop after N items in total'
            cand --cursor 'Start at this cursor (as printed when a walk stops early)'
            cand --limit 'Items per page, 1-200 [default: 100]'
            cand --page 'Only 1: the API ignores page numbers on listings and would answer page 1 for any other (use --cursor to go on where a walk stopped, --max to take fewer items)'
            cand --base-url 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]'
            cand --api-key 'API key'
            cand --timeout 'Seconds to wait for a connection or for the next bytes of a response [default: 30]'
            cand --retries 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]'
            cand --api-interval 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine'
            cand --image-host 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]'
            cand --image-fallback-host 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]'
            cand --color 'When to use colour (NO_COLOR in the environment means never for auto)'
            cand --sidecar 'Write <name>.json with the item beside each file'
            cand --captions 'Write <stem>.txt with the prompt beside each file'
            cand --embed-meta 'Write generation data into files that lack it'
            cand --dry-run 'Print what would be saved where, download nothing'
            cand --overwrite 'Fetch and replace files the archive calls complete'
            cand --with-tags 'Ask for each image''s tags'
            cand -q 'Print only errors (no progress, no retry notices)'
            cand --quiet 'Print only errors (no progress, no retry notices)'
            cand -v 'Print request URLs and retry decisions on stderr'
            cand --verbose 'Print request URLs and retry decisions on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'civimg;meta'= {
            cand -f 'Output format: a table for people; json, jsonl or csv for machines, as in `list`'
            cand --format 'Output format: a table for people; json, jsonl or csv for machines, as in `list`'
            cand --base-url 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]'
            cand --api-key 'API key'
            cand --timeout 'Seconds to wait for a connection or for the next bytes of a response [default: 30]'
            cand --retries 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]'
            cand --api-interval 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine'
            cand --image-host 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]'
            cand --image-fallback-host 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]'
            cand --color 'When to use colour (NO_COLOR in the environment means never for auto)'
            cand -q 'Print only errors (no progress, no retry notices)'
            cand --quiet 'Print only errors (no progress, no retry notices)'
            cand -v 'Print request URLs and retry decisions on stderr'
            cand --verbose 'Print request URLs and retry decisions on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'civimg;resources'= {
            cand --input 'Read items as JSON lines from FILE (- is stdin)'
            cand --have 'Model folder to check resources in; repeatable'
            cand -f 'Output format [default: table on a terminal, jsonl otherwise]'
            cand --format 'Output format [default: table on a terminal, jsonl otherwise]'
            cand --username 'Only images by this user; repeatable'
            cand --user-id 'Only images by this user id; repeatable'
            cand --model-id 'Only images made with this model; repeatable'
            cand --model-version-id 'Only images of this model version; repeatable'
            cand --post-id 'Only images of this post; repeatable'
            cand --image-id 'Only this image, at any level; repeatable'
            cand --collection-id 'Images of this collection; repeatable, alone'
            cand --sort 'Order of the results [API''s default: most-reactions]'
            cand --period 'Time window of the results [API''s default: all-time]'
            cand --browsing-level 'Levels: PG=1 PG13=2 R=4 X=8 XXX=16, summed'
            cand --nsfw 'Legacy content filter (--browsing-level wins)'
            cand --type 'Only images, only videos or only audio'
            cand --base-model 'Only this base model; repeatable'
            cand --tag 'Only images with this tag id (4,6: all of them)'
            cand --since 'Only items created on or after DATE (YYYY-MM-DD)'
            cand --until 'Only items created on or before DATE (YYYY-MM-DD)'
            cand --max 'Stop after N items in total'
            cand --cursor 'Start at this cursor (as printed when a walk stops early)'
            cand --limit 'Items per page, 1-200 [default: 100]'
            cand --page 'Only 1: the API ignores page numbers on listings and would answer page 1 for any other (use --cursor to go on where a walk stopped, --max to take fewer items)'
            cand --base-url 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]'
            cand --api-key 'API key'
            cand --timeout 'Seconds to wait for a connection or for the next bytes of a response [default: 30]'
            cand --retries 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]'
            cand --api-interval 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine'
            cand --image-host 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]'
            cand --image-fallback-host 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]'
            cand --color 'When to use colour (NO_COLOR in the environment means never for auto)'
            cand --missing 'Only the resources that no --have folder holds'
            cand --offline 'Use only what the cache knows of versions'
            cand --with-tags 'Ask for each image''s tags'
            cand -q 'Print only errors (no progress, no retry notices)'
            cand --quiet 'Print only errors (no progress, no retry notices)'
            cand -v 'Print request URLs and retry decisions on stderr'
            cand --verbose 'Print request URLs and retry decisions on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'civimg;completions'= {
            cand --base-url 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]'
            cand --api-key 'API key'
            cand --timeout 'Seconds to wait for a connection or for the next bytes of a response [default: 30]'
            cand --retries 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]'
            cand --api-interval 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine'
            cand --image-host 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]'
            cand --image-fallback-host 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]'
            cand --color 'When to use colour (NO_COLOR in the environment means never for auto)'
            cand -q 'Print only errors (no progress, no retry notices)'
            cand --quiet 'Print only errors (no progress, no retry notices)'
            cand -v 'Print request URLs and retry decisions on stderr'
            cand --verbose 'Print request URLs and retry decisions on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'civimg;man'= {
            cand --base-url 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]'
            cand --api-key 'API key'
            cand --timeout 'Seconds to wait for a connection or for the next bytes of a response [default: 30]'
            cand --retries 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]'
            cand --api-interval 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine'
            cand --image-host 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]'
            cand --image-fallback-host 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]'
            cand --color 'When to use colour (NO_COLOR in the environment means never for auto)'
            cand -q 'Print only errors (no progress, no retry notices)'
            cand --quiet 'Print only errors (no progress, no retry notices)'
            cand -v 'Print request URLs and retry decisions on stderr'
            cand --verbose 'Print request URLs and retry decisions on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'civimg;config'= {
            cand --base-url 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]'
            cand --api-key 'API key'
            cand --timeout 'Seconds to wait for a connection or for the next bytes of a response [default: 30]'
            cand --retries 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]'
            cand --api-interval 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine'
            cand --image-host 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]'
            cand --image-fallback-host 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]'
            cand --color 'When to use colour (NO_COLOR in the environment means never for auto)'
            cand -q 'Print only errors (no progress, no retry notices)'
            cand --quiet 'Print only errors (no progress, no retry notices)'
            cand -v 'Print request URLs and retry decisions on stderr'
            cand --verbose 'Print request URLs and retry decisions on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand path 'Print the config file''s path'
            cand show 'Print the settings in force as a config file, each with where it comes from (defaults and the API key commented out)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'civimg;config;path'= {
            cand --base-url 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]'
            cand --api-key 'API key'
            cand --timeout 'Seconds to wait for a connection or for the next bytes of a response [default: 30]'
            cand --retries 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]'
            cand --api-interval 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine'
            cand --image-host 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]'
            cand --image-fallback-host 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]'
            cand --color 'When to use colour (NO_COLOR in the environment means never for auto)'
            cand -q 'Print only errors (no progress, no retry notices)'
            cand --quiet 'Print only errors (no progress, no retry notices)'
            cand -v 'Print request URLs and retry decisions on stderr'
            cand --verbose 'Print request URLs and retry decisions on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'civimg;config;show'= {
            cand --base-url 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]'
            cand --api-key 'API key'
            cand --timeout 'Seconds to wait for a connection or for the next bytes of a response [default: 30]'
            cand --retries 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]'
            cand --api-interval 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine'
            cand --image-host 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]'
            cand --image-fallback-host 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]'
            cand --color 'When to use colour (NO_COLOR in the environment means never for auto)'
            cand -q 'Print only errors (no progress, no retry notices)'
            cand --quiet 'Print only errors (no progress, no retry notices)'
            cand -v 'Print request URLs and retry decisions on stderr'
            cand --verbose 'Print request URLs and retry decisions on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'civimg;config;help'= {
            cand path 'Print the config file''s path'
            cand show 'Print the settings in force as a config file, each with where it comes from (defaults and the API key commented out)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'civimg;config;help;path'= {
        }
        &'civimg;config;help;show'= {
        }
        &'civimg;config;help;help'= {
        }
        &'civimg;help'= {
            cand list 'List images matching a query, as a table, JSON lines, JSON or CSV'
            cand download 'Download full-resolution originals, resumably, several at a time'
            cand meta 'Show how an image was made: prompt, seed, sampler, model, resources'
            cand resources 'Which models, LoRAs and embeddings made these images, and which of them you lack'
            cand completions 'Print a shell completion script'
            cand man 'Print the manual page (roff): every subcommand and option, exit codes, the config file'
            cand config 'Show where the config file is and what it holds'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'civimg;help;list'= {
        }
        &'civimg;help;download'= {
        }
        &'civimg;help;meta'= {
        }
        &'civimg;help;resources'= {
        }
        &'civimg;help;completions'= {
        }
        &'civimg;help;man'= {
        }
        &'civimg;help;config'= {
            cand path 'Print the config file''s path'
            cand show 'Print the settings in force as a config file, each with where it comes from (defaults and the API key commented out)'
        }
        &'civimg;help;config;path'= {
        }
        &'civimg;help;config;show'= {
        }
        &'civimg;help;help'= {
        }
    ]
    $completions[$command]
}
