" Vim filetype plugin: targetdsl policy files (.tdsl)
if exists("b:did_ftplugin")
  finish
endif
let b:did_ftplugin = 1

" Comments start with #; the formatter (`targetdsl fmt`, or the language
" server's formatting) indents blocks by four spaces.
setlocal comments=:# commentstring=#\ %s
setlocal expandtab shiftwidth=4 softtabstop=4 autoindent
setlocal formatoptions-=t formatoptions+=croql

let b:undo_ftplugin = "setlocal comments< commentstring< expandtab< shiftwidth< softtabstop< autoindent< formatoptions<"
