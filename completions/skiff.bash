# bash completion for skiff (and docker, when docker is skiff).
# The candidates come from the binary itself:
#   skiff [--root DIR] [--runroot DIR] [--storage-driver NAME] __complete WORD... CURRENT
# prints one per line; the line ":files" asks for file names.

_skiff() {
    local cur cword i w line out prog=${COMP_WORDS[0]}
    local -a words=() global=() rest=()
    # Words as typed, keeping image references such as busybox:latest whole.
    if declare -F _get_comp_words_by_ref >/dev/null; then
        _get_comp_words_by_ref -n =: cur words cword
    else
        read -ra words <<<"${COMP_LINE:0:COMP_POINT}"
        [[ ${COMP_LINE:0:COMP_POINT} == *[[:space:]] ]] && words+=("")
        cword=$((${#words[@]} - 1))
        cur=${words[cword]}
    fi
    # Global options go before __complete, the rest after it.
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        if ((${#rest[@]} == 0)); then
            case $w in
            --root | --runroot | --storage-driver)
                global+=("$w" "${words[i + 1]}")
                ((i++))
                continue
                ;;
            --root=* | --runroot=* | --storage-driver=*)
                global+=("$w")
                continue
                ;;
            esac
        fi
        rest+=("$w")
    done
    out=$("$prog" "${global[@]}" __complete "${rest[@]}" "$cur" 2>/dev/null) || return 0
    COMPREPLY=()
    while IFS= read -r line; do
        if [[ $line == :files ]]; then
            compopt -o filenames 2>/dev/null
            mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "$cur")
        elif [[ -n $line ]]; then
            COMPREPLY+=("$line")
        fi
    done <<<"$out"
    # bash replaces only what follows the last colon of the word.
    if [[ $cur == *:* && $COMP_WORDBREAKS == *:* ]]; then
        local colon=${cur%"${cur##*:}"}
        COMPREPLY=("${COMPREPLY[@]#"$colon"}")
    fi
    return 0
}

complete -F _skiff skiff docker
