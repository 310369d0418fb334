# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_civimg_global_optspecs
    string join \n base-url= api-key= q/quiet v/verbose timeout= retries= api-interval= image-host= image-fallback-host= config= color= h/help V/version
end

function __fish_civimg_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_civimg_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_civimg_using_subcommand
    set -l cmd (__fish_civimg_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c civimg -n "__fish_civimg_needs_command" -l base-url -d 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]' -r
complete -c civimg -n "__fish_civimg_needs_command" -l api-key -d 'API key' -r
complete -c civimg -n "__fish_civimg_needs_command" -l timeout -d 'Seconds to wait for a connection or for the next bytes of a response [default: 30]' -r
complete -c civimg -n "__fish_civimg_needs_command" -l retries -d 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]' -r
complete -c civimg -n "__fish_civimg_needs_command" -l api-interval -d 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine' -r
complete -c civimg -n "__fish_civimg_needs_command" -l image-host -d 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]' -r
complete -c civimg -n "__fish_civimg_needs_command" -l image-fallback-host -d 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]' -r
complete -c civimg -n "__fish_civimg_needs_command" -l config -d 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]' -r -F
complete -c civimg -n "__fish_civimg_needs_command" -l color -d 'When to use colour (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c civimg -n "__fish_civimg_needs_command" -s q -l quiet -d 'Print only errors (no progress, no retry notices)'
complete -c civimg -n "__fish_civimg_needs_command" -s v -l verbose -d 'Print request URLs and retry decisions on stderr'
complete -c civimg -n "__fish_civimg_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c civimg -n "__fish_civimg_needs_command" -s V -l version -d 'Print version'
complete -c civimg -n "__fish_civimg_needs_command" -f -a "list" -d 'List images matching a query, as a table, JSON lines, JSON or CSV'
complete -c civimg -n "__fish_civimg_needs_command" -f -a "download" -d 'Download full-resolution originals, resumably, several at a time'
complete -c civimg -n "__fish_civimg_needs_command" -f -a "meta" -d 'Show how an image was made: prompt, seed, sampler, model, resources'
complete -c civimg -n "__fish_civimg_needs_command" -f -a "resources" -d 'Which models, LoRAs and embeddings made these images, and which of them you lack'
complete -c civimg -n "__fish_civimg_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c civimg -n "__fish_civimg_needs_command" -f -a "man" -d 'Print the manual page (roff): every subcommand and option, exit codes, the config file'
complete -c civimg -n "__fish_civimg_needs_command" -f -a "config" -d 'Show where the config file is and what it holds'
complete -c civimg -n "__fish_civimg_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c civimg -n "__fish_civimg_using_subcommand list" -s f -l format -d 'Output format [default: table on a terminal, jsonl otherwise]' -r -f -a "table\t'A readable table sized to the terminal'
jsonl\t'One JSON object per line, exactly as the API sent it'
json\t'One JSON array'
csv\t'A header row, then one row per item with flattened columns'"
complete -c civimg -n "__fish_civimg_using_subcommand list" -l fields -d 'Fields to show, as dotted paths (id,username,meta.seed)' -r
complete -c civimg -n "__fish_civimg_using_subcommand list" -l username -d 'Only images by this user; repeatable' -r
complete -c civimg -n "__fish_civimg_using_subcommand list" -l user-id -d 'Only images by this user id; repeatable' -r
complete -c civimg -n "__fish_civimg_using_subcommand list" -l model-id -d 'Only images made with this model; repeatable' -r
complete -c civimg -n "__fish_civimg_using_subcommand list" -l model-version-id -d 'Only images of this model version; repeatable' -r
complete -c civimg -n "__fish_civimg_using_subcommand list" -l post-id -d 'Only images of this post; repeatable' -r
complete -c civimg -n "__fish_civimg_using_subcommand list" -l image-id -d 'Only this image, at any level; repeatable' -r
complete -c civimg -n "__fish_civimg_using_subcommand list" -l collection-id -d 'Images of this collection; repeatable, alone' -r
complete -c civimg -n "__fish_civimg_using_subcommand list" -l sort -d 'Order of the results [API\'s default: most-reactions]' -r -f -a "newest\t''
oldest\t''
most-reactions\t''
most-comments\t''
most-collected\t''
random\t''"
complete -c civimg -n "__fish_civimg_using_subcommand list" -l period -d 'Time window of the results [API\'s default: all-time]' -r -f -a "day\t''
week\t''
month\t''
year\t''
all-time\t''"
complete -c civimg -n "__fish_civimg_using_subcommand list" -l browsing-level -d 'Levels: PG=1 PG13=2 R=4 X=8 XXX=16, summed' -r
complete -c civimg -n "__fish_civimg_using_subcommand list" -l nsfw -d 'Legacy content filter (--browsing-level wins)' -r -f -a "none\t'PG only'
soft\t'Up to PG-13'
mature\t'Up to R'
x\t'Everything'
true\t'R and above only'
false\t'Same as leaving it out'"
complete -c civimg -n "__fish_civimg_using_subcommand list" -l type -d 'Only images, only videos or only audio' -r -f -a "image\t''
video\t''
audio\t''"
complete -c civimg -n "__fish_civimg_using_subcommand list" -l base-model -d 'Only this base model; repeatable' -r
complete -c civimg -n "__fish_civimg_using_subcommand list" -l tag -d 'Only images with this tag id (4,6: all of them)' -r
complete -c civimg -n "__fish_civimg_using_subcommand list" -l since -d 'Only items created on or after DATE (YYYY-MM-DD)' -r
complete -c civimg -n "__fish_civimg_using_subcommand list" -l until -d 'Only items created on or before DATE (YYYY-MM-DD)' -r
complete -c civimg -n "__fish_civimg_using_subcommand list" -l max -d 'Stop after N items in total' -r
complete -c civimg -n "__fish_civimg_using_subcommand list" -l cursor -d 'Start at this cursor (as printed when a walk stops early)' -r
complete -c civimg -n "__fish_civimg_using_subcommand list" -l limit -d 'Items per page, 1-200 [default: 100]' -r
complete -c civimg -n "__fish_civimg_using_subcommand list" -l page -d 'Only 1: the API ignores page numbers on listings and would answer page 1 for any other (use --cursor to go on where a walk stopped, --max to take fewer items)' -r
complete -c civimg -n "__fish_civimg_using_subcommand list" -l base-url -d 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand list" -l api-key -d 'API key' -r
complete -c civimg -n "__fish_civimg_using_subcommand list" -l timeout -d 'Seconds to wait for a connection or for the next bytes of a response [default: 30]' -r
complete -c civimg -n "__fish_civimg_using_subcommand list" -l retries -d 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]' -r
complete -c civimg -n "__fish_civimg_using_subcommand list" -l api-interval -d 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine' -r
complete -c civimg -n "__fish_civimg_using_subcommand list" -l image-host -d 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand list" -l image-fallback-host -d 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand list" -l config -d 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]' -r -F
complete -c civimg -n "__fish_civimg_using_subcommand list" -l color -d 'When to use colour (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c civimg -n "__fish_civimg_using_subcommand list" -l no-meta -d 'Do not ask for generation data (`meta` stays null)'
complete -c civimg -n "__fish_civimg_using_subcommand list" -l with-tags -d 'Ask for each image\'s tags'
complete -c civimg -n "__fish_civimg_using_subcommand list" -s q -l quiet -d 'Print only errors (no progress, no retry notices)'
complete -c civimg -n "__fish_civimg_using_subcommand list" -s v -l verbose -d 'Print request URLs and retry decisions on stderr'
complete -c civimg -n "__fish_civimg_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c civimg -n "__fish_civimg_using_subcommand download" -s o -l out -d 'Directory to save into [default: .]' -r -F
complete -c civimg -n "__fish_civimg_using_subcommand download" -s j -l concurrency -d 'Files transferred at once, 1-32 [default: 4]' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l name -d 'File name template [default: {id}.{ext}]' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l input -d 'Read what to download from FILE (- is stdin)' -r -F
complete -c civimg -n "__fish_civimg_using_subcommand download" -l stop-after-known -d 'With --sort newest: stop after N known in a row' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l max-file-size -d 'Largest file to save (K, M, G)' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l username -d 'Only images by this user; repeatable' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l user-id -d 'Only images by this user id; repeatable' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l model-id -d 'Only images made with this model; repeatable' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l model-version-id -d 'Only images of this model version; repeatable' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l post-id -d 'Only images of this post; repeatable' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l image-id -d 'Only this image, at any level; repeatable' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l collection-id -d 'Images of this collection; repeatable, alone' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l sort -d 'Order of the results [API\'s default: most-reactions]' -r -f -a "newest\t''
oldest\t''
most-reactions\t''
most-comments\t''
most-collected\t''
random\t''"
complete -c civimg -n "__fish_civimg_using_subcommand download" -l period -d 'Time window of the results [API\'s default: all-time]' -r -f -a "day\t''
week\t''
month\t''
year\t''
all-time\t''"
complete -c civimg -n "__fish_civimg_using_subcommand download" -l browsing-level -d 'Levels: PG=1 PG13=2 R=4 X=8 XXX=16, summed' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l nsfw -d 'Legacy content filter (--browsing-level wins)' -r -f -a "none\t'PG only'
soft\t'Up to PG-13'
mature\t'Up to R'
x\t'Everything'
true\t'R and above only'
false\t'Same as leaving it out'"
complete -c civimg -n "__fish_civimg_using_subcommand download" -l type -d 'Only images, only videos or only audio' -r -f -a "image\t''
video\t''
audio\t''"
complete -c civimg -n "__fish_civimg_using_subcommand download" -l base-model -d 'Only this base model; repeatable' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l tag -d 'Only images with this tag id (4,6: all of them)' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l since -d 'Only items created on or after DATE (YYYY-MM-DD)' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l until -d 'Only items created on or before DATE (YYYY-MM-DD)' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l max -d 'Stop after N items in total' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l cursor -d 'Start at this cursor (as printed when a walk stops early)' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l limit -d 'Items per page, 1-200 [default: 100]' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l page -d 'Only 1: the API ignores page numbers on listings and would answer page 1 for any other (use --cursor to go on where a walk stopped, --max to take fewer items)' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l base-url -d 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l api-key -d 'API key' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l timeout -d 'Seconds to wait for a connection or for the next bytes of a response [default: 30]' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l retries -d 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l api-interval -d 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l image-host -d 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l image-fallback-host -d 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand download" -l config -d 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]' -r -F
complete -c civimg -n "__fish_civimg_using_subcommand download" -l color -d 'When to use colour (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c civimg -n "__fish_civimg_using_subcommand download" -l sidecar -d 'Write <name>.json with the item beside each file'
complete -c civimg -n "__fish_civimg_using_subcommand download" -l captions -d 'Write <stem>.txt with the prompt beside each file'
complete -c civimg -n "__fish_civimg_using_subcommand download" -l embed-meta -d 'Write generation data into files that lack it'
complete -c civimg -n "__fish_civimg_using_subcommand download" -l dry-run -d 'Print what would be saved where, download nothing'
complete -c civimg -n "__fish_civimg_using_subcommand download" -l overwrite -d 'Fetch and replace files the archive calls complete'
complete -c civimg -n "__fish_civimg_using_subcommand download" -l with-tags -d 'Ask for each image\'s tags'
complete -c civimg -n "__fish_civimg_using_subcommand download" -s q -l quiet -d 'Print only errors (no progress, no retry notices)'
complete -c civimg -n "__fish_civimg_using_subcommand download" -s v -l verbose -d 'Print request URLs and retry decisions on stderr'
complete -c civimg -n "__fish_civimg_using_subcommand download" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c civimg -n "__fish_civimg_using_subcommand meta" -s f -l format -d 'Output format: a table for people; json, jsonl or csv for machines, as in `list`' -r -f -a "table\t'The fields a person reads first, prompts wrapped to the terminal'
json\t'One JSON array of the records (every field, `source` = api or the file), as `list`'
jsonl\t'One JSON object a line, as `list`'
csv\t'One row a record: the common fields, resources by name, ;-joined'"
complete -c civimg -n "__fish_civimg_using_subcommand meta" -l base-url -d 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand meta" -l api-key -d 'API key' -r
complete -c civimg -n "__fish_civimg_using_subcommand meta" -l timeout -d 'Seconds to wait for a connection or for the next bytes of a response [default: 30]' -r
complete -c civimg -n "__fish_civimg_using_subcommand meta" -l retries -d 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]' -r
complete -c civimg -n "__fish_civimg_using_subcommand meta" -l api-interval -d 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine' -r
complete -c civimg -n "__fish_civimg_using_subcommand meta" -l image-host -d 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand meta" -l image-fallback-host -d 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand meta" -l config -d 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]' -r -F
complete -c civimg -n "__fish_civimg_using_subcommand meta" -l color -d 'When to use colour (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c civimg -n "__fish_civimg_using_subcommand meta" -s q -l quiet -d 'Print only errors (no progress, no retry notices)'
complete -c civimg -n "__fish_civimg_using_subcommand meta" -s v -l verbose -d 'Print request URLs and retry decisions on stderr'
complete -c civimg -n "__fish_civimg_using_subcommand meta" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l input -d 'Read items as JSON lines from FILE (- is stdin)' -r -F
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l have -d 'Model folder to check resources in; repeatable' -r -F
complete -c civimg -n "__fish_civimg_using_subcommand resources" -s f -l format -d 'Output format [default: table on a terminal, jsonl otherwise]' -r -f -a "table\t'A readable table sized to the terminal'
jsonl\t'One JSON object per line, exactly as the API sent it'
json\t'One JSON array'
csv\t'A header row, then one row per item with flattened columns'"
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l username -d 'Only images by this user; repeatable' -r
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l user-id -d 'Only images by this user id; repeatable' -r
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l model-id -d 'Only images made with this model; repeatable' -r
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l model-version-id -d 'Only images of this model version; repeatable' -r
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l post-id -d 'Only images of this post; repeatable' -r
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l image-id -d 'Only this image, at any level; repeatable' -r
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l collection-id -d 'Images of this collection; repeatable, alone' -r
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l sort -d 'Order of the results [API\'s default: most-reactions]' -r -f -a "newest\t''
oldest\t''
most-reactions\t''
most-comments\t''
most-collected\t''
random\t''"
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l period -d 'Time window of the results [API\'s default: all-time]' -r -f -a "day\t''
week\t''
month\t''
year\t''
all-time\t''"
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l browsing-level -d 'Levels: PG=1 PG13=2 R=4 X=8 XXX=16, summed' -r
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l nsfw -d 'Legacy content filter (--browsing-level wins)' -r -f -a "none\t'PG only'
soft\t'Up to PG-13'
mature\t'Up to R'
x\t'Everything'
true\t'R and above only'
false\t'Same as leaving it out'"
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l type -d 'Only images, only videos or only audio' -r -f -a "image\t''
video\t''
audio\t''"
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l base-model -d 'Only this base model; repeatable' -r
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l tag -d 'Only images with this tag id (4,6: all of them)' -r
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l since -d 'Only items created on or after DATE (YYYY-MM-DD)' -r
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l until -d 'Only items created on or before DATE (YYYY-MM-DD)' -r
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l max -d 'Stop after N items in total' -r
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l cursor -d 'Start at this cursor (as printed when a walk stops early)' -r
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l limit -d 'Items per page, 1-200 [default: 100]' -r
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l page -d 'Only 1: the API ignores page numbers on listings and would answer page 1 for any other (use --cursor to go on where a walk stopped, --max to take fewer items)' -r
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l base-url -d 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l api-key -d 'API key' -r
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l timeout -d 'Seconds to wait for a connection or for the next bytes of a response [default: 30]' -r
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l retries -d 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]' -r
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l api-interval -d 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine' -r
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l image-host -d 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l image-fallback-host -d 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l config -d 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]' -r -F
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l color -d 'When to use colour (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l missing -d 'Only the resources that no --have folder holds'
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l offline -d 'Use only what the cache knows of versions'
complete -c civimg -n "__fish_civimg_using_subcommand resources" -l with-tags -d 'Ask for each image\'s tags'
complete -c civimg -n "__fish_civimg_using_subcommand resources" -s q -l quiet -d 'Print only errors (no progress, no retry notices)'
complete -c civimg -n "__fish_civimg_using_subcommand resources" -s v -l verbose -d 'Print request URLs and retry decisions on stderr'
complete -c civimg -n "__fish_civimg_using_subcommand resources" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c civimg -n "__fish_civimg_using_subcommand completions" -l base-url -d 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand completions" -l api-key -d 'API key' -r
complete -c civimg -n "__fish_civimg_using_subcommand completions" -l timeout -d 'Seconds to wait for a connection or for the next bytes of a response [default: 30]' -r
complete -c civimg -n "__fish_civimg_using_subcommand completions" -l retries -d 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]' -r
complete -c civimg -n "__fish_civimg_using_subcommand completions" -l api-interval -d 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine' -r
complete -c civimg -n "__fish_civimg_using_subcommand completions" -l image-host -d 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand completions" -l image-fallback-host -d 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand completions" -l config -d 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]' -r -F
complete -c civimg -n "__fish_civimg_using_subcommand completions" -l color -d 'When to use colour (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c civimg -n "__fish_civimg_using_subcommand completions" -s q -l quiet -d 'Print only errors (no progress, no retry notices)'
complete -c civimg -n "__fish_civimg_using_subcommand completions" -s v -l verbose -d 'Print request URLs and retry decisions on stderr'
complete -c civimg -n "__fish_civimg_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c civimg -n "__fish_civimg_using_subcommand man" -l base-url -d 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand man" -l api-key -d 'API key' -r
complete -c civimg -n "__fish_civimg_using_subcommand man" -l timeout -d 'Seconds to wait for a connection or for the next bytes of a response [default: 30]' -r
complete -c civimg -n "__fish_civimg_using_subcommand man" -l retries -d 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]' -r
complete -c civimg -n "__fish_civimg_using_subcommand man" -l api-interval -d 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine' -r
complete -c civimg -n "__fish_civimg_using_subcommand man" -l image-host -d 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand man" -l image-fallback-host -d 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand man" -l config -d 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]' -r -F
complete -c civimg -n "__fish_civimg_using_subcommand man" -l color -d 'When to use colour (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c civimg -n "__fish_civimg_using_subcommand man" -s q -l quiet -d 'Print only errors (no progress, no retry notices)'
complete -c civimg -n "__fish_civimg_using_subcommand man" -s v -l verbose -d 'Print request URLs and retry decisions on stderr'
complete -c civimg -n "__fish_civimg_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c civimg -n "__fish_civimg_using_subcommand config; and not __fish_seen_subcommand_from path show help" -l base-url -d 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand config; and not __fish_seen_subcommand_from path show help" -l api-key -d 'API key' -r
complete -c civimg -n "__fish_civimg_using_subcommand config; and not __fish_seen_subcommand_from path show help" -l timeout -d 'Seconds to wait for a connection or for the next bytes of a response [default: 30]' -r
complete -c civimg -n "__fish_civimg_using_subcommand config; and not __fish_seen_subcommand_from path show help" -l retries -d 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]' -r
complete -c civimg -n "__fish_civimg_using_subcommand config; and not __fish_seen_subcommand_from path show help" -l api-interval -d 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine' -r
complete -c civimg -n "__fish_civimg_using_subcommand config; and not __fish_seen_subcommand_from path show help" -l image-host -d 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand config; and not __fish_seen_subcommand_from path show help" -l image-fallback-host -d 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand config; and not __fish_seen_subcommand_from path show help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]' -r -F
complete -c civimg -n "__fish_civimg_using_subcommand config; and not __fish_seen_subcommand_from path show help" -l color -d 'When to use colour (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c civimg -n "__fish_civimg_using_subcommand config; and not __fish_seen_subcommand_from path show help" -s q -l quiet -d 'Print only errors (no progress, no retry notices)'
complete -c civimg -n "__fish_civimg_using_subcommand config; and not __fish_seen_subcommand_from path show help" -s v -l verbose -d 'Print request URLs and retry decisions on stderr'
complete -c civimg -n "__fish_civimg_using_subcommand config; and not __fish_seen_subcommand_from path show help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c civimg -n "__fish_civimg_using_subcommand config; and not __fish_seen_subcommand_from path show help" -f -a "path" -d 'Print the config file\'s path'
complete -c civimg -n "__fish_civimg_using_subcommand config; and not __fish_seen_subcommand_from path show help" -f -a "show" -d 'Print the settings in force as a config file, each with where it comes from (defaults and the API key commented out)'
complete -c civimg -n "__fish_civimg_using_subcommand config; and not __fish_seen_subcommand_from path show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from path" -l base-url -d 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from path" -l api-key -d 'API key' -r
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from path" -l timeout -d 'Seconds to wait for a connection or for the next bytes of a response [default: 30]' -r
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from path" -l retries -d 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]' -r
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from path" -l api-interval -d 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine' -r
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from path" -l image-host -d 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from path" -l image-fallback-host -d 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from path" -l config -d 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]' -r -F
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from path" -l color -d 'When to use colour (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from path" -s q -l quiet -d 'Print only errors (no progress, no retry notices)'
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from path" -s v -l verbose -d 'Print request URLs and retry decisions on stderr'
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from show" -l base-url -d 'Site to talk to; requests go to {base}/api/v1/images [default: https://civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from show" -l api-key -d 'API key' -r
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from show" -l timeout -d 'Seconds to wait for a connection or for the next bytes of a response [default: 30]' -r
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from show" -l retries -d 'How many times a failed request (429, 502-504, timeout, connection error) is retried [default: 5]' -r
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from show" -l api-interval -d 'Least time between two API requests, in seconds (0.5, 2 …). civimg already spaces its requests as far apart as a 429 or 503 asks, and speeds up again when the server is fine' -r
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from show" -l image-host -d 'Host that file URLs built from a bare uuid point at (collections) [default: https://image.civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from show" -l image-fallback-host -d 'Second origin for files whose host keeps timing out or answering 5xx after the retries: {URL}/file/civitai-media-cache/{uuid}/original; none turns it off [default: https://image-b2.civitai.com]' -r
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'Config file [default: $XDG_CONFIG_HOME/civimg/config.toml]' -r -F
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from show" -l color -d 'When to use colour (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t'Colour when writing to a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only errors (no progress, no retry notices)'
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Print request URLs and retry decisions on stderr'
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print the config file\'s path'
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print the settings in force as a config file, each with where it comes from (defaults and the API key commented out)'
complete -c civimg -n "__fish_civimg_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c civimg -n "__fish_civimg_using_subcommand help; and not __fish_seen_subcommand_from list download meta resources completions man config help" -f -a "list" -d 'List images matching a query, as a table, JSON lines, JSON or CSV'
complete -c civimg -n "__fish_civimg_using_subcommand help; and not __fish_seen_subcommand_from list download meta resources completions man config help" -f -a "download" -d 'Download full-resolution originals, resumably, several at a time'
complete -c civimg -n "__fish_civimg_using_subcommand help; and not __fish_seen_subcommand_from list download meta resources completions man config help" -f -a "meta" -d 'Show how an image was made: prompt, seed, sampler, model, resources'
complete -c civimg -n "__fish_civimg_using_subcommand help; and not __fish_seen_subcommand_from list download meta resources completions man config help" -f -a "resources" -d 'Which models, LoRAs and embeddings made these images, and which of them you lack'
complete -c civimg -n "__fish_civimg_using_subcommand help; and not __fish_seen_subcommand_from list download meta resources completions man config help" -f -a "completions" -d 'Print a shell completion script'
complete -c civimg -n "__fish_civimg_using_subcommand help; and not __fish_seen_subcommand_from list download meta resources completions man config help" -f -a "man" -d 'Print the manual page (roff): every subcommand and option, exit codes, the config file'
complete -c civimg -n "__fish_civimg_using_subcommand help; and not __fish_seen_subcommand_from list download meta resources completions man config help" -f -a "config" -d 'Show where the config file is and what it holds'
complete -c civimg -n "__fish_civimg_using_subcommand help; and not __fish_seen_subcommand_from list download meta resources completions man config help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c civimg -n "__fish_civimg_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Print the config file\'s path'
complete -c civimg -n "__fish_civimg_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print the settings in force as a config file, each with where it comes from (defaults and the API key commented out)'
