
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'civimg' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'civimg'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'civimg' {
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection or for the next bytes of a response [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]')
            [CompletionResult]::new('--api-interval', '--api-interval', [CompletionResultType]::ParameterName, 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine')
            [CompletionResult]::new('--image-host', '--image-host', [CompletionResultType]::ParameterName, 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]')
            [CompletionResult]::new('--image-fallback-host', '--image-fallback-host', [CompletionResultType]::ParameterName, 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors (no progress, no retry notices)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors (no progress, no retry notices)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request URLs and retry decisions on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request URLs and retry decisions on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List images matching a query, as a table, JSON lines, JSON or CSV')
            [CompletionResult]::new('download', 'download', [CompletionResultType]::ParameterValue, 'Download full-resolution originals, resumably, several at a time')
            [CompletionResult]::new('meta', 'meta', [CompletionResultType]::ParameterValue, 'Show how an image was made: prompt, seed, sampler, model, resources')
            [CompletionResult]::new('resources', 'resources', [CompletionResultType]::ParameterValue, 'Which models, LoRAs and embeddings made these images, and which of them you lack')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the manual page (roff): every subcommand and option, exit codes, the config file')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show where the config file is and what it holds')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'civimg;list' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, jsonl otherwise]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, jsonl otherwise]')
            [CompletionResult]::new('--fields', '--fields', [CompletionResultType]::ParameterName, 'Fields to show, as dotted paths (id,username,meta.seed)')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Only images by this user; repeatable')
            [CompletionResult]::new('--user-id', '--user-id', [CompletionResultType]::ParameterName, 'Only images by this user id; repeatable')
            [CompletionResult]::new('--model-id', '--model-id', [CompletionResultType]::ParameterName, 'Only images made with this model; repeatable')
            [CompletionResult]::new('--model-version-id', '--model-version-id', [CompletionResultType]::ParameterName, 'Only images of this model version; repeatable')
            [CompletionResult]::new('--post-id', '--post-id', [CompletionResultType]::ParameterName, 'Only images of this post; repeatable')
            [CompletionResult]::new('--image-id', '--image-id', [CompletionResultType]::ParameterName, 'Only this image, at any level; repeatable')
            [CompletionResult]::new('--collection-id', '--collection-id', [CompletionResultType]::ParameterName, 'Images of this collection; repeatable, alone')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Order of the results [API''s default: most-reactions]')
            [CompletionResult]::new('--period', '--period', [CompletionResultType]::ParameterName, 'Time window of the results [API''s default: all-time]')
            [CompletionResult]::new('--browsing-level', '--browsing-level', [CompletionResultType]::ParameterName, 'Levels: PG=1 PG13=2 R=4 X=8 XXX=16, summed')
            [CompletionResult]::new('--nsfw', '--nsfw', [CompletionResultType]::ParameterName, 'Legacy content filter (--browsing-level wins)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only images, only videos or only audio')
            [CompletionResult]::new('--base-model', '--base-model', [CompletionResultType]::ParameterName, 'Only this base model; repeatable')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Only images with this tag id (4,6: all of them)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only items created on or after DATE (YYYY-MM-DD)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only items created on or before DATE (YYYY-MM-DD)')
            [CompletionResult]::new('--max', '--max', [CompletionResultType]::ParameterName, 'Stop after N items in total')
            [CompletionResult]::new('--cursor', '--cursor', [CompletionResultType]::ParameterName, 'Start at this cursor (as printed when a walk stops early)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Items per page, 1-200 [default: 100]')
            [CompletionResult]::new('--page', '--page', [CompletionResultType]::ParameterName, 'Only 1: the API ignores page numbers on listings and would answer page 1 for any other (use --cursor to go on where a walk stopped, --max to take fewer items)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection or for the next bytes of a response [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]')
            [CompletionResult]::new('--api-interval', '--api-interval', [CompletionResultType]::ParameterName, 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine')
            [CompletionResult]::new('--image-host', '--image-host', [CompletionResultType]::ParameterName, 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]')
            [CompletionResult]::new('--image-fallback-host', '--image-fallback-host', [CompletionResultType]::ParameterName, 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--no-meta', '--no-meta', [CompletionResultType]::ParameterName, 'Do not ask for generation data (`meta` stays null)')
            [CompletionResult]::new('--with-tags', '--with-tags', [CompletionResultType]::ParameterName, 'Ask for each image''s tags')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors (no progress, no retry notices)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors (no progress, no retry notices)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request URLs and retry decisions on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request URLs and retry decisions on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'civimg;download' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Directory to save into [default: .]')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Directory to save into [default: .]')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Files transferred at once, 1-32 [default: 4]')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Files transferred at once, 1-32 [default: 4]')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'File name template [default: {id}.{ext}]')
            [CompletionResult]::new('--input', '--input', [CompletionResultType]::ParameterName, 'Read what to download from FILE (- is stdin)')
            [CompletionResult]::new('--stop-after-known', '--stop-after-known', [CompletionResultType]::ParameterName, 'With --sort newest: stop after N known in a row')
            [CompletionResult]::new('--max-file-size', '--max-file-size', [CompletionResultType]::ParameterName, 'Largest file to save (K, M, G)')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Only images by this user; repeatable')
            [CompletionResult]::new('--user-id', '--user-id', [CompletionResultType]::ParameterName, 'Only images by this user id; repeatable')
            [CompletionResult]::new('--model-id', '--model-id', [CompletionResultType]::ParameterName, 'Only images made with this model; repeatable')
            [CompletionResult]::new('--model-version-id', '--model-version-id', [CompletionResultType]::ParameterName, 'Only images of this model version; repeatable')
            [CompletionResult]::new('--post-id', '--post-id', [CompletionResultType]::ParameterName, 'Only images of this post; repeatable')
            [CompletionResult]::new('--image-id', '--image-id', [CompletionResultType]::ParameterName, 'Only this image, at any level; repeatable')
            [CompletionResult]::new('--collection-id', '--collection-id', [CompletionResultType]::ParameterName, 'Images of this collection; repeatable, alone')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Order of the results [API''s default: most-reactions]')
            [CompletionResult]::new('--period', '--period', [CompletionResultType]::ParameterName, 'Time window of the results [API''s default: all-time]')
            [CompletionResult]::new('--browsing-level', '--browsing-level', [CompletionResultType]::ParameterName, 'Levels: PG=1 PG13=2 R=4 X=8 XXX=16, summed')
            [CompletionResult]::new('--nsfw', '--nsfw', [CompletionResultType]::ParameterName, 'Legacy content filter (--browsing-level wins)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only images, only videos or only audio')
            [CompletionResult]::new('--base-model', '--base-model', [CompletionResultType]::ParameterName, 'Only this base model; repeatable')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Only images with this tag id (4,6: all of them)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only items created on or after DATE (YYYY-MM-DD)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only items created on or before DATE (YYYY-MM-DD)')
            [CompletionResult]::new('--max', '--max', [CompletionResultType]::ParameterName, 'Stop after N items in total')
            [CompletionResult]::new('--cursor', '--cursor', [CompletionResultType]::ParameterName, 'Start at this cursor (as printed when a walk stops early)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Items per page, 1-200 [default: 100]')
            [CompletionResult]::new('--page', '--page', [CompletionResultType]::ParameterName, 'Only 1: the API ignores page numbers on listings and would answer page 1 for any other (use --cursor to go on where a walk stopped, --max to take fewer items)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection or for the next bytes of a response [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]')
            [CompletionResult]::new('--api-interval', '--api-interval', [CompletionResultType]::ParameterName, 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine')
            [CompletionResult]::new('--image-host', '--image-host', [CompletionResultType]::ParameterName, 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]')
            [CompletionResult]::new('--image-fallback-host', '--image-fallback-host', [CompletionResultType]::ParameterName, 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--sidecar', '--sidecar', [CompletionResultType]::ParameterName, 'Write <name>.json with the item beside each file')
            [CompletionResult]::new('--captions', '--captions', [CompletionResultType]::ParameterName, 'Write <stem>.txt with the prompt beside each file')
            [CompletionResult]::new('--embed-meta', '--embed-meta', [CompletionResultType]::ParameterName, 'Write generation data into files that lack it')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would be saved where, download nothing')
            [CompletionResult]::new('--overwrite', '--overwrite', [CompletionResultType]::ParameterName, 'Fetch and replace files the archive calls complete')
            [CompletionResult]::new('--with-tags', '--with-tags', [CompletionResultType]::ParameterName, 'Ask for each image''s tags')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors (no progress, no retry notices)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors (no progress, no retry notices)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request URLs and retry decisions on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request URLs and retry decisions on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'civimg;meta' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format: a table for people; json, jsonl or csv for machines, as in `list`')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: a table for people; json, jsonl or csv for machines, as in `list`')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection or for the next bytes of a response [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]')
            [CompletionResult]::new('--api-interval', '--api-interval', [CompletionResultType]::ParameterName, 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine')
            [CompletionResult]::new('--image-host', '--image-host', [CompletionResultType]::ParameterName, 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]')
            [CompletionResult]::new('--image-fallback-host', '--image-fallback-host', [CompletionResultType]::ParameterName, 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors (no progress, no retry notices)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors (no progress, no retry notices)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request URLs and retry decisions on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request URLs and retry decisions on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'civimg;resources' {
            [CompletionResult]::new('--input', '--input', [CompletionResultType]::ParameterName, 'Read items as JSON lines from FILE (- is stdin)')
            [CompletionResult]::new('--have', '--have', [CompletionResultType]::ParameterName, 'Model folder to check resources in; repeatable')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, jsonl otherwise]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table on a terminal, jsonl otherwise]')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Only images by this user; repeatable')
            [CompletionResult]::new('--user-id', '--user-id', [CompletionResultType]::ParameterName, 'Only images by this user id; repeatable')
            [CompletionResult]::new('--model-id', '--model-id', [CompletionResultType]::ParameterName, 'Only images made with this model; repeatable')
            [CompletionResult]::new('--model-version-id', '--model-version-id', [CompletionResultType]::ParameterName, 'Only images of this model version; repeatable')
            [CompletionResult]::new('--post-id', '--post-id', [CompletionResultType]::ParameterName, 'Only images of this post; repeatable')
            [CompletionResult]::new('--image-id', '--image-id', [CompletionResultType]::ParameterName, 'Only this image, at any level; repeatable')
            [CompletionResult]::new('--collection-id', '--collection-id', [CompletionResultType]::ParameterName, 'Images of this collection; repeatable, alone')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Order of the results [API''s default: most-reactions]')
            [CompletionResult]::new('--period', '--period', [CompletionResultType]::ParameterName, 'Time window of the results [API''s default: all-time]')
            [CompletionResult]::new('--browsing-level', '--browsing-level', [CompletionResultType]::ParameterName, 'Levels: PG=1 PG13=2 R=4 X=8 XXX=16, summed')
            [CompletionResult]::new('--nsfw', '--nsfw', [CompletionResultType]::ParameterName, 'Legacy content filter (--browsing-level wins)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only images, only videos or only audio')
            [CompletionResult]::new('--base-model', '--base-model', [CompletionResultType]::ParameterName, 'Only this base model; repeatable')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Only images with this tag id (4,6: all of them)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only items created on or after DATE (YYYY-MM-DD)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only items created on or before DATE (YYYY-MM-DD)')
            [CompletionResult]::new('--max', '--max', [CompletionResultType]::ParameterName, 'Stop after N items in total')
            [CompletionResult]::new('--cursor', '--cursor', [CompletionResultType]::ParameterName, 'Start at this cursor (as printed when a walk stops early)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Items per page, 1-200 [default: 100]')
            [CompletionResult]::new('--page', '--page', [CompletionResultType]::ParameterName, 'Only 1: the API ignores page numbers on listings and would answer page 1 for any other (use --cursor to go on where a walk stopped, --max to take fewer items)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection or for the next bytes of a response [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]')
            [CompletionResult]::new('--api-interval', '--api-interval', [CompletionResultType]::ParameterName, 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine')
            [CompletionResult]::new('--image-host', '--image-host', [CompletionResultType]::ParameterName, 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]')
            [CompletionResult]::new('--image-fallback-host', '--image-fallback-host', [CompletionResultType]::ParameterName, 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--missing', '--missing', [CompletionResultType]::ParameterName, 'Only the resources that no --have folder holds')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Use only what the cache knows of versions')
            [CompletionResult]::new('--with-tags', '--with-tags', [CompletionResultType]::ParameterName, 'Ask for each image''s tags')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors (no progress, no retry notices)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors (no progress, no retry notices)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request URLs and retry decisions on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request URLs and retry decisions on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'civimg;completions' {
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection or for the next bytes of a response [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]')
            [CompletionResult]::new('--api-interval', '--api-interval', [CompletionResultType]::ParameterName, 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine')
            [CompletionResult]::new('--image-host', '--image-host', [CompletionResultType]::ParameterName, 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]')
            [CompletionResult]::new('--image-fallback-host', '--image-fallback-host', [CompletionResultType]::ParameterName, 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors (no progress, no retry notices)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors (no progress, no retry notices)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request URLs and retry decisions on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request URLs and retry decisions on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'civimg;man' {
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection or for the next bytes of a response [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]')
            [CompletionResult]::new('--api-interval', '--api-interval', [CompletionResultType]::ParameterName, 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine')
            [CompletionResult]::new('--image-host', '--image-host', [CompletionResultType]::ParameterName, 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]')
            [CompletionResult]::new('--image-fallback-host', '--image-fallback-host', [CompletionResultType]::ParameterName, 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors (no progress, no retry notices)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors (no progress, no retry notices)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request URLs and retry decisions on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request URLs and retry decisions on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'civimg;config' {
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection or for the next bytes of a response [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]')
            [CompletionResult]::new('--api-interval', '--api-interval', [CompletionResultType]::ParameterName, 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine')
            [CompletionResult]::new('--image-host', '--image-host', [CompletionResultType]::ParameterName, 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]')
            [CompletionResult]::new('--image-fallback-host', '--image-fallback-host', [CompletionResultType]::ParameterName, 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors (no progress, no retry notices)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors (no progress, no retry notices)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request URLs and retry decisions on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request URLs and retry decisions on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file''s path')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the settings in force as a config file, each with where it comes from (defaults and the API key commented out)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'civimg;config;path' {
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection or for the next bytes of a response [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]')
            [CompletionResult]::new('--api-interval', '--api-interval', [CompletionResultType]::ParameterName, 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine')
            [CompletionResult]::new('--image-host', '--image-host', [CompletionResultType]::ParameterName, 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]')
            [CompletionResult]::new('--image-fallback-host', '--image-fallback-host', [CompletionResultType]::ParameterName, 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors (no progress, no retry notices)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors (no progress, no retry notices)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request URLs and retry decisions on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request URLs and retry decisions on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'civimg;config;show' {
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for a connection or for the next bytes of a response [default: 30]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]')
            [CompletionResult]::new('--api-interval', '--api-interval', [CompletionResultType]::ParameterName, 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine')
            [CompletionResult]::new('--image-host', '--image-host', [CompletionResultType]::ParameterName, 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]')
            [CompletionResult]::new('--image-fallback-host', '--image-fallback-host', [CompletionResultType]::ParameterName, 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors (no progress, no retry notices)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors (no progress, no retry notices)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request URLs and retry decisions on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request URLs and retry decisions on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'civimg;config;help' {
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file''s path')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the settings in force as a config file, each with where it comes from (defaults and the API key commented out)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'civimg;config;help;path' {
            break
        }
        'civimg;config;help;show' {
            break
        }
        'civimg;config;help;help' {
            break
        }
        'civimg;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List images matching a query, as a table, JSON lines, JSON or CSV')
            [CompletionResult]::new('download', 'download', [CompletionResultType]::ParameterValue, 'Download full-resolution originals, resumably, several at a time')
            [CompletionResult]::new('meta', 'meta', [CompletionResultType]::ParameterValue, 'Show how an image was made: prompt, seed, sampler, model, resources')
            [CompletionResult]::new('resources', 'resources', [CompletionResultType]::ParameterValue, 'Which models, LoRAs and embeddings made these images, and which of them you lack')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the manual page (roff): every subcommand and option, exit codes, the config file')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show where the config file is and what it holds')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'civimg;help;list' {
            break
        }
        'civimg;help;download' {
            break
        }
        'civimg;help;meta' {
            break
        }
        'civimg;help;resources' {
            break
        }
        'civimg;help;completions' {
            break
        }
        'civimg;help;man' {
            break
        }
        'civimg;help;config' {
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file''s path')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the settings in force as a config file, each with where it comes from (defaults and the API key commented out)')
            break
        }
        'civimg;help;config;path' {
            break
        }
        'civimg;help;config;show' {
            break
        }
        'civimg;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
