# bash completion for wsconform.
#
# It reads the --help of the wsconform being completed (the first word of the line), so every
# subcommand and flag of that very binary completes without a list here to keep up to date:
# a subcommand first, then the flags of the one chosen (or of the top level), then a flag's
# value: the choices its help lists (TEXT:{auto,always,never}), file names for any other TEXT,
# nothing for a number. Other words complete as file names.

# The subcommands of wsconform $1, one a line.
_wsconform_subcommands() {
    "$1" --help 2>/dev/null | awk '/^Subcommands:/ { on = 1; next } on && NF { print $1 }'
}

# The options of `wsconform [SUB] --help`, one a line: "-j,--jobs UINT:UINT" or "--strict".
_wsconform_options() {
    "$@" --help 2>/dev/null |
        sed -nE 's/^ +(-[A-Za-z],)?(--[A-Za-z0-9-]+)( [A-Z]+[^ ]*)?.*/\1\2\3/p'
}

_wsconform() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local cmd=${COMP_WORDS[0]} sub="" i line names type subcommands
    subcommands=$(_wsconform_subcommands "$cmd")
    for ((i = 1; i < COMP_CWORD; i++)); do
        if [[ $'\n'$subcommands$'\n' == *$'\n'"${COMP_WORDS[i]}"$'\n'* ]]; then
            sub=${COMP_WORDS[i]}
            break
        fi
    done
    local -a options
    mapfile -t options < <(_wsconform_options "$cmd" ${sub:+"$sub"})

    if [[ $prev == -* ]]; then
        for line in "${options[@]}"; do
            names=${line%% *}
            [[ ,$names, == *,"$prev",* ]] || continue
            [[ $line == *" "* ]] || break # a flag: no value
            type=${line#* }
            if [[ $type == *"{"*"}"* ]]; then
                type=${type#*\{}
                type=${type%%\}*}
                mapfile -t COMPREPLY < <(compgen -W "${type//,/ }" -- "$cur")
            elif [[ $type == TEXT* ]]; then
                compopt -o filenames 2>/dev/null
                mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            fi
            return 0
        done
    fi
    if [[ $cur == -* ]]; then
        local -a flags=()
        for line in "${options[@]}"; do
            names=${line%% *}
            IFS=, read -r -a names <<<"$names"
            flags+=("${names[@]}")
        done
        mapfile -t COMPREPLY < <(compgen -W "${flags[*]}" -- "$cur")
    elif [[ -z $sub ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$subcommands" -- "$cur")
    else
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    fi
    return 0
}

complete -F _wsconform wsconform
