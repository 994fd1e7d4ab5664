# fish completion for skiff (and docker, when docker is skiff).
# The candidates come from the binary itself:
#   skiff [--root DIR] [--runroot DIR] [--storage-driver NAME] __complete WORD... CURRENT
# prints one per line; the line ":files" asks for file names.

function __skiff_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l prog $tokens[1]
    set -e tokens[1]
    # Global options go before __complete, the rest after it.
    set -l global
    while set -q tokens[1]
        switch $tokens[1]
            case --root --runroot --storage-driver
                set -a global $tokens[1..2]
                set tokens $tokens[3..-1]
            case '--root=*' '--runroot=*' '--storage-driver=*'
                set -a global $tokens[1]
                set -e tokens[1]
            case '*'
                break
        end
    end
    for line in ($prog $global __complete $tokens "$cur" 2>/dev/null)
        if test "$line" = :files
            __fish_complete_path "$cur"
        else
            echo $line
        end
    end
end

complete -c skiff -f -a '(__skiff_complete)'
complete -c docker -f -a '(__skiff_complete)'
