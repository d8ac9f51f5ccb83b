complete --keep-order --exclusive --command sesm --arguments "(COMPLETE=fish sesm -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
