" targetdsl policy files
autocmd BufRead,BufNewFile *.tdsl setfiletype targetdsl
