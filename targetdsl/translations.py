"""The catalog: every message in English and in Chinese (plain data; `messages.py` reads it).

Each entry is (English, Chinese). The English is the text exactly as the code that reports the
problem writes it, with `{name}` where a value goes (`{name:t}`: a value that is itself a phrase of
this catalog; `{name:l}`: a list joined by ", ", each item a phrase; `{name:d}`, `{name:n}`, `{name:w}`:
a whole number, a number, one word); the Chinese uses the same
names. Entries follow the order of docs/errors.md. This module must not import anything.
"""

# ruff: noqa: E501 - a Chinese sentence is kept whole on its line, where a reviewer reads it beside its English

from __future__ import annotations

# Phrases that messages are built from: the kinds of values, the words of the grammar, declarations.
PHRASES: tuple[tuple[str, str], ...] = (
    ("a number", "数值"),
    ("a percentage", "百分比"),
    ("percentage points", "百分点"),
    ("money", "金额"),
    ("a boolean (true or false)", "逻辑值（true 或 false）"),
    ("a date", "日期"),
    ("an invalid value", "无效值"),
    ("a name", "名称"),
    ('a quoted label "…"', '带引号的标签 "…"'),
    ("a percentage such as 30%", "百分比（如 30%）"),
    ("percentage points such as 2pp", "百分点（如 2pp）"),
    ("a date such as 2003-12-31", "日期（如 2003-12-31）"),
    ("a comparison (>=, >, <=, <, ==, !=)", "比较（>=、>、<=、<、==、!=）"),
    ("`*` or `/`", "`*` 或 `/`"),
    ("end of file", "文件结尾"),
    ("Chinese", "中文"),
    ("English", "英文"),
    ("a constant", "常量"),
    ("an input of every unit", "每个单位的填报项"),
    ("a unit input", "单位填报项"),
    ("unit input", "单位填报项"),
    ("input", "填报项"),
    ("indicator", "指标"),
    ("items", "事项"),
    ("assessed", "评议"),
    ("category", "考核内容"),
    ("class", "类别"),
    ("const", "常量"),
    ("veto", "一票否决"),
    ("bonus", "加分"),
    ("deduction", "扣分"),
    ("award", "奖励"),
    ("coefficient", "系数"),
    ("commendation", "嘉奖"),
    ("assessor", "评议方"),
    ("grades", "等次"),
    ("ties", "同分"),
    ("periods", "考核期"),
    ("policy", "考核办法"),
    ("a score", "得分"),
    ("`completed when`", "`completed when`（完成条件）"),
    ("the completed count", "完成数"),
    ("the item count", "事项数"),
    ("the condition", "条件"),
    ("a deduction", "扣分"),
    ("the condition of `reduce`", "`reduce`（下浮）的条件"),
    ("the condition of `eligible`", "`eligible when`（享受条件）的条件"),
    ("a bonus's points", "加分分数"),
    ("the award money", "奖金金额"),
    ("a coefficient", "系数"),
    ("the operand of `not`", "`not` 的操作数"),
    ("the condition after `if`", "`if` 之后的条件"),
    ("the values of `bands`", "`bands` 的各档取值"),
    ("both branches", "两个分支"),
)

# syntax.*: reading a policy's text
SYNTAX: tuple[tuple[str, str], ...] = (
    ("unexpected character `{char}`", "意外的字符 `{char}`"),
    ("`{word}` reads as `{first}` followed by `{rest}`", "`{word}` 会被读作 `{first}` 后接 `{rest}`"),
    (
        "put a space between them if that is what is meant (`{first} {rest}`), or correct the word",
        "如果本意如此，请在两者之间加空格（`{first} {rest}`），否则请改正这个词",
    ),
    ("unexpected name `{word}`", "此处不应出现名称 `{word}`"),
    ("unexpected `{word}`", "此处不应出现 `{word}`"),
    ("unexpected {what:t}", "此处不应出现{what}"),
    ("the file ends in the middle of a statement", "文件在一条语句中间结束"),
    ("expected one of: {words:l}", "此处应为以下之一：{words}"),
    ("expected {word:t}", "此处应为{word}"),
    ("expected `{word}`", "此处应为 `{word}`"),
    ("did you mean `{word}`? {rest:t}", "是否想写 `{word}`？{rest}"),
    (
        "`{word}` is not written in this block: declare the input at the top level, outside every block, where the "
        "block can read it; {rest:t}",
        "此处的块中不能写 `{word}`：请在顶层、所有块之外声明这个填报项，块中即可读取；{rest}",
    ),
    ("did you mean `{word}`?", "是否想写 `{word}`？"),
    # the nearest-name hint (data.nearest) after any message
    ("{message:t}; did you mean `{word}`?", "{message}；是否想写 `{word}`？"),
    ("check the statement against docs/language.md", "请对照 docs/language.md 检查这条语句"),
    ("write a space after the keyword: `{words}`", "在关键字后加一个空格：`{words}`"),
    ("use `{word}`", "请用 `{word}`"),
    (
        "`{word}` is written `{english}` in a file written with English keywords",
        "在用英文关键字书写的文件中，`{word}` 写作 `{english}`",
    ),
    ("`points` is read only in a measure: the points it is worth", "`points` 只能在考核项中读取：它的分值"),
    (
        "`{word}` is a unit's result, read only in an award or a commendation",
        "`{word}` 是单位的考核结果，只能在奖励或嘉奖中读取",
    ),
    (
        "`{word}` is a built-in name in a file written with Chinese keywords (in English, {english})",
        "在用中文关键字书写的文件中，`{word}` 是内置名称（英文为 {english}）",
    ),
    (
        "rename it (`{example}`, say) where it is declared and wherever it is used: a file written with Chinese "
        "keywords reads `{word}` as the built-in",
        "在声明和使用它的每一处改名（如 `{example}`）：用中文关键字书写的文件把 `{word}` 读作内置名称",
    ),
    (
        "the text holds a lone surrogate (half of a UTF-16 pair), which is not a character",
        "文本含有孤立的代理码元（UTF-16 对的一半），它不是字符",
    ),
    (
        "the text was not decoded correctly; save the policy as UTF-8 and read it as UTF-8",
        "文本解码有误；请把考核办法存为 UTF-8 并按 UTF-8 读取",
    ),
    (
        "full-width `{char}` where the language expects ASCII `{ascii}`",
        "全角符号 `{char}`，此处应为半角 `{ascii}`",
    ),
    (
        "replace `{char}` with `{ascii}` (switch the input method to half-width punctuation)",
        "把 `{char}` 改为 `{ascii}`（将输入法切换为半角标点）",
    ),
    ("this label has no closing quote on the same line", "这个标签在同一行内没有结束引号"),
    ('close the label with `"` before the end of the line', '在行尾之前用 `"` 结束标签'),
    (
        "`{word}` is a keyword of the other language; this file is written with {written:t} keywords",
        "`{word}` 是另一种语言的关键字；本文件用{written}关键字书写",
    ),
    (
        "write `{ours}` for `{theirs}`: one file uses one keyword language, set by its first word "
        "(`targetdsl fmt --keywords {language}` converts a whole file)",
        "把 `{theirs}` 写作 `{ours}`：一个文件只用一种关键字语言，由文件的第一个词决定"
        "（`targetdsl fmt --keywords {language}` 可转换整个文件）",
    ),
    ("this `{` is never closed", "这个 `{` 没有闭合"),
    ("add the matching `}` at the end of the block", "在块的末尾加上对应的 `}`"),
    ("add the matching `}` before `{word}` on line {line}", "在第 {line} 行的 `{word}` 之前加上对应的 `}`"),
    ("this expression nests more than {depth} levels deep", "这个表达式嵌套超过 {depth} 层"),
    ("split it into named steps with `let`", "用 `let` 把它拆成几个有名字的步骤"),
    (
        "`{text}` ({length} characters) is not a plausible number",
        "`{text}`（{length} 个字符）不是合理的数",
    ),
    (
        "numbers in a policy lie between 10⁻¹⁵ and 10¹⁶ and have at most 34 significant digits",
        "考核办法中的数在 10⁻¹⁵ 与 10¹⁶ 之间，最多 34 位有效数字",
    ),
    (
        "`{text}` starts with a 0: numbers are written without leading zeros",
        "`{text}` 以 0 开头：数不写前导零",
    ),
    ("write {number}; {rest:t}", "写作 {number}；{rest}"),
    (
        "thousands separators are not written in a policy: write {plain}, not {text}",
        "考核办法中不写千位分隔符：写 {plain}，不写 {text}",
    ),
    (
        "thousands separators are not written in a policy: write {plain}, not {text} "
        "(or, for separate arguments, a comma and a space: `{apart}`)",
        "考核办法中不写千位分隔符：写 {plain}，不写 {text}（若是分开的参数，请用逗号加空格：`{apart}`）",
    ),
    ("`{text}` is outside the range of plausible values", "`{text}` 超出合理取值范围"),
    ("`{text}` is not a calendar date", "`{text}` 不是日历上的日期"),
    ("write dates as YYYY-MM-DD", "日期写作 YYYY-MM-DD"),
    ("expected a whole number, found `{text}`", "此处应为整数，却是 `{text}`"),
    ("`{text}` is written with a thousands separator", "`{text}` 带有千位分隔符"),
    ("`{text}` has a comma between digits", "`{text}` 的数字之间有逗号"),
    (
        "numbers in a policy have no thousands separators and a decimal point, never a comma: write the number itself",
        "考核办法中的数不带千位分隔符，小数点用点号而不用逗号：请直接写出这个数",
    ),
    (
        "numbers in a policy have no thousands separators and a decimal point, never a comma: "
        "write the number itself (or, for separate arguments, a comma and a space: `{apart}`)",
        "考核办法中的数不带千位分隔符，小数点用点号而不用逗号：请直接写出这个数（若是分开的参数，请用逗号加空格：`{apart}`）",
    ),
)

# load.* and extends.*: reading the files of a policy and its `extends` chain
LOADING: tuple[tuple[str, str], ...] = (
    ("does not exist", "不存在"),
    ("does not exist (a part of its path is not a directory)", "不存在（路径中有一部分不是目录）"),
    ("has a NUL character in its name", "的名称中含有 NUL 字符"),
    (
        "has a name that is not valid text (it holds a lone surrogate, half of a UTF-16 pair)",
        "的名称不是有效文本（含有孤立的代理码元，即 UTF-16 对的一半）",
    ),
    ("has a name too long for the file system", "的名称对文件系统来说太长"),
    ("is a directory, not a regular file", "是目录，不是普通文件"),
    ("is a symbolic link that leads back to itself (a loop)", "是指回自身的符号链接（循环）"),
    ("cannot be read ({reason})", "无法读取（{reason}）"),
    ("is larger than {size}", "大于 {size}"),
    ("is a named pipe, not a regular file", "是命名管道，不是普通文件"),
    ("is a device, not a regular file", "是设备，不是普通文件"),
    ("is a socket, not a regular file", "是套接字，不是普通文件"),
    ("policy file `{path}` {reason:t}", "考核办法文件 `{path}` {reason}"),
    ("`{path}` {reason:t}", "`{path}` {reason}"),
    ("paths in `extends` are relative to the file that contains them", "`extends` 中的路径相对于写它的文件"),
    (
        "no assessment method is that long; check that the right file was named",
        "没有这么长的考核办法；请检查文件是否给对",
    ),
    ("name a policy file (.tdsl)", "请给出考核办法文件（.tdsl）"),
    ("point the symbolic link at the policy file itself", "让符号链接指向考核办法文件本身"),
    (
        "name the file by a plain path: no NUL character, no undecodable text, not too long",
        "用普通路径给出文件：不含 NUL 字符、没有无法解码的文本、不要太长",
    ),
    (
        "`{path}` is not a policy file: a policy's name ends in {suffix}",
        "`{path}` 不是考核办法文件：考核办法的文件名以 {suffix} 结尾",
    ),
    ("name the policy's own {suffix} file", "请给出考核办法自己的 {suffix} 文件"),
    (
        "`{path}` lies outside the allowed policy directory `{root}`",
        "`{path}` 不在允许的考核办法目录 `{root}` 之内",
    ),
    (
        "policies may extend files under the top policy's own directory; widen it with `--root DIR` "
        "(or `root=` in the library)",
        "考核办法只能继承顶层考核办法所在目录下的文件；可用 `--root DIR`（库中用 `root=`）放宽",
    ),
    ("policies extend each other in a cycle: {cycle}", "考核办法之间循环继承：{cycle}"),
    (
        "a policy may extend an older one, never one that extends it",
        "考核办法可以继承较早的办法，但不能继承继承了它的办法",
    ),
    ("more than {limit} policies in one `extends` chain", "一条 `extends` 链上超过 {limit} 个考核办法"),
    (
        "this policy extends a file, but it was given as text with no directory to look in",
        "这个考核办法继承了一个文件，但它是以文本给出的，没有可查找的目录",
    ),
    (
        "load it with load_policy(path), or pass base= the directory of the policy",
        "请用 load_policy(path) 加载，或用 base= 给出考核办法所在目录",
    ),
    (
        "`{path}` is not UTF-8 text (line {line} holds bytes that are not UTF-8)",
        "`{path}` 不是 UTF-8 文本（第 {line} 行含有非 UTF-8 字节）",
    ),
    (
        "save the policy as UTF-8 (editors call it “UTF-8” or “UTF-8 with BOM”); GBK is not accepted",
        "请把考核办法存为 UTF-8（编辑器中称“UTF-8”或“UTF-8 with BOM”）；不接受 GBK",
    ),
    (
        "`{path}` is not a policy file: its first line is not policy syntax",
        "`{path}` 不是考核办法文件：它的第一行不是考核办法的写法",
    ),
    ("check the file on its own with `targetdsl check {path}`", "请用 `targetdsl check {path}` 单独检查这个文件"),
)

# check.*: the checker, the type checker and inheritance
CHECK: tuple[tuple[str, str], ...] = (
    (
        "{shares:t}; change a category's points or the header's `scale`",
        "{shares}；请修改某个考核内容的分值或头部的 `scale`",
    ),
    (
        "give the input `missing zero` or a `missing default`; to compare with the class, say so: `peer_avg(x)`",
        "请给该填报项写 `missing zero` 或 `missing default`；若要与同类比较，请明写，如 `peer_avg(x)`",
    ),
    (
        "if the award season closes before the year ends, keep it; otherwise {fix:t}",
        "若评奖在年底之前结束，可保留；否则{fix}",
    ),
    (
        "`{function}` takes {wanted} argument{plural}, not {count}",
        "`{function}` 需要 {wanted} 个参数，而不是 {count} 个",
    ),
    ("only declarations inherited through `extends` can be {done:t}", "只有通过 `extends` 继承的声明才能{done}"),
    ("overridden", "用 `override` 替换"),
    ("removed", "用 `remove` 取消"),
    (
        "`{path}` lies outside the allowed policy directory `{root}` (through a symbolic link)",
        "`{path}` 不在允许的考核办法目录 `{root}` 之内（经由符号链接）",
    ),
    ("the policy has no `policy { … }` header", "考核办法没有 `policy { … }` 头部"),
    (
        'start the file with `policy "title" { year 2003 status draft }`',
        '文件以 `policy "标题" { year 2003 status draft }` 开头',
    ),
    ("the header does not say which year the policy assesses", "头部没有写明考核哪一年"),
    ("add `year 2003` inside `policy { … }`", "在 `policy { … }` 中加上 `year 2003`"),
    ("the header does not give the policy's status", "头部没有给出考核办法的状态"),
    (
        "add `status draft` (for comment) or `status adopted`",
        "加上 `status draft`（征求意见）或 `status adopted`（正式）",
    ),
    ("year {year} is not a plausible assessment year", "{year} 不是合理的考核年度"),
    ("unknown status `{word}`", "未知的状态 `{word}`"),
    ("status is `draft` or `adopted`", "状态为 `draft` 或 `adopted`"),
    ("the point scale must be positive", "满分必须为正数"),
    ("unknown rounding mode `{word}`", "未知的舍入方式 `{word}`"),
    ("rounding modes: {words}", "舍入方式：{words}"),
    ("rounding to {places} places; use 0 to 6", "舍入到 {places} 位小数；请用 0 到 6"),
    ("unknown rounding stage `{word}`", "未知的舍入环节 `{word}`"),
    ("stages: {words}", "环节：{words}"),
    (
        "`{function}` needs the unit's whole class, but const `{name}` is computed for each unit alone",
        "`{function}` 需要该单位所在类别的全部单位，而常量 `{name}` 是逐个单位单独计算的",
    ),
    (
        "compare units in an `indicator` (a `let` there may name the comparison)",
        "请在 `indicator` 中比较单位（可在那里用 `let` 给比较结果命名）",
    ),
    ("`{name}` is declared twice here", "`{name}` 在此处声明了两次"),
    ("`{name}` is already {what:t}; a `let` cannot take its name", "`{name}` 已是{what}；`let` 不能用这个名字"),
    ("give the let a name of its own", "给这个 let 另起一个名字"),
    ("unknown input type `{word}`", "未知的填报类型 `{word}`"),
    ("types: {words}", "类型：{words}"),
    ("the default of `{name}` must be a literal value", "`{name}` 的默认值必须是字面值"),
    (
        "write a number (`default 0`, `default -2%`), `true`/`false` or a date",
        "写一个数（`default 0`、`default -2%`）、`true`/`false` 或日期",
    ),
    ("unknown missing-value rule `{word}`", "未知的缺报规则 `{word}`"),
    (
        "write `missing error`, `missing zero`, `missing na`, `missing peer_avg` or `missing default <value>`",
        "写 `missing error`、`missing zero`、`missing na`、`missing peer_avg` 或 `missing default <值>`",
    ),
    ("`missing zero` does not fit a {type} input", "`missing zero` 不适用于 `{type}` 类型的填报项"),
    ("use `missing default false` or `missing error`", "请用 `missing default false` 或 `missing error`"),
    ("a {type} input cannot have a range", "`{type}` 类型的填报项不能有范围"),
    ("the range's low end is above its high end", "范围的下限高于上限"),
    ("only amounts can be pro-rated, not a {type}", "只有总量可以按进度折算，`{type}` 不行"),
    ("rates and percentages are not pro-rated over the year", "比率和百分比不按全年进度折算"),
    (
        "`{name}` is {what:t}, which is not pro-rated in a period: `prorated` applies to the inputs of "
        "indicators and items",
        "`{name}` 是{what}，在考核期中不按进度折算：`prorated` 只适用于指标和事项的填报项",
    ),
    ("an input of {kind:t} `{rule}`", "{kind} `{rule}` 的填报项"),
    (
        "declare the pro-rated amount as an input of the indicator that scores it",
        "请把按进度折算的总量声明为给它计分的指标的填报项",
    ),
    (
        "the default of `{name}` is {value}, but a count is a whole number of at least 0",
        "`{name}` 的默认值是 {value}，但个数是不小于 0 的整数",
    ),
    ("write a whole number such as `default 0`", "请写整数，如 `default 0`"),
    ("{subject:t} is outside its declared range {range}", "{subject}超出了声明的范围 {range}"),
    ("the default of `{name}` ({value})", "`{name}` 的默认值（{value}）"),
    ("`missing zero` takes `{name}` as 0, which", "`missing zero` 把 `{name}` 当作 0，而 0"),
    (
        "a missing value is taken as the default: give one the data could have held",
        "缺报的值取默认值：请给一个数据本身可能取到的值",
    ),
    ("`{end}` is not an input declared beside `{name}`", "`{end}` 不是与 `{name}` 并列声明的填报项"),
    # indicator weights as shares (`share 35%`)
    (
        "sub-item `{name}` has a share: a sub-item is weighted by its points within its indicator",
        "子项 `{name}` 写了占比：子项按其在指标内的分值计权",
    ),
    (
        "write `points` on the sub-item; a share applies to a measure of a category",
        "请为子项写 `points`；占比只用于考核内容下的指标",
    ),
    (
        "the share of `{name}` is {share}%: a share lies above 0% and at most 100%",
        "`{name}` 的占比是 {share}%：占比应大于 0% 且不超过 100%",
    ),
    (
        "category `{category}` gives `{first}` a share but `{other}` points, in class `{unit_class}`",
        "在类别 `{unit_class}` 中，考核内容 `{category}` 给 `{first}` 写了占比，却给 `{other}` 写了分值",
    ),
    (
        "give every measure of the category a share (`share 20%`), or every one points",
        "请给该考核内容的每个指标都写占比（`share 20%`），或都写分值",
    ),
    (
        "the shares of category `{category}` add up to {total}%, not 100%, in class `{unit_class}`",
        "在类别 `{unit_class}` 中，考核内容 `{category}` 的占比合计 {total}%，不是 100%",
    ),
    # adjustment items (`points 0`, 加扣分项)
    (
        "category `{category}` has only adjustment items (`points 0`) in class `{unit_class}`: "
        "its {points} points weigh nothing",
        "在类别 `{unit_class}` 中，考核内容 `{category}` 只有加扣分项（`points 0`）：它的 {points} 分无所计权",
    ),
    (
        "put the adjustment items in a category with weighted measures, or write them as `bonus` and `deduction` rules",
        "请把加扣分项放进有计权指标的考核内容，或改写为 `bonus` 和 `deduction` 规则",
    ),
    ("`{name}` has `points 0`, an adjustment item, but {why:t}", "`{name}` 的分值为 0，是加扣分项，但{why}"),
    ("its sub-items' points would be scaled to 0", "其子项的得分会被折算为 0"),
    ("a score given out of 100 is a share of its points, 0", "按百分制给定的分数是其分值的比例，即 0"),
    ("its formula reads `points`, which is 0", "其公式读取了 `points`，而它为 0"),
    (
        "score the adjustment in points of the total (`score 1 * tasks`, `score -2 * times`), "
        "or give the indicator positive points",
        "请按计入总分的分数写加扣分（`score 1 * tasks`、`score -2 * times`），或给该指标正的分值",
    ),
    # assumptions (`assume "…"`)
    ("{file}:{line}:{column}: assumption in {owner:t}:", "{file}:{line}:{column}：{owner}的假定："),
    ("assumption: {text}", "假定：{text}"),
    # non-cumulative periods (`from month 4 through month 6`)
    (
        "period `{name}` runs from month {start} through month {through}",
        "考核期 `{name}` 从 {start} 月起至 {through} 月止",
    ),
    ("a period starts in a month from 1 to its last month", "考核期的起始月应在 1 月至其截至月之间"),
    # pro-rating by kind (`prorated unless level`)
    (
        "`unless` names a yes/no input of the same measure that marks a rate, intensity or share",
        "`unless` 应是同一指标中标明比率、强度或占比类指标的是否型填报项",
    ),
    (
        "`{name}` is pro-rated unless `{other}`, a {type} input",
        "`{name}` 按进度折算，除非 `{other}`，而它是 {type} 类型的填报项",
    ),
    (
        "`unless` names a yes/no input (`input level: bool missing default false`)",
        "`unless` 应是是否型填报项（`input level: bool missing default false`）",
    ),
    (
        "`{other}` decides whether `{name}` is pro-rated, so it cannot be `missing {rule}`",
        "`{other}` 决定 `{name}` 是否按进度折算，不能是 `missing {rule}`",
    ),
    (
        "write `missing default false` (an amount unless the data say otherwise) or `missing error`",
        "请写 `missing default false`（数据未注明即为总量类指标）或 `missing error`",
    ),
    (
        "a range end names another input of the same measure, sub-item or rule",
        "范围的端点应是同一指标、子项或规则中的另一个填报项",
    ),
    (
        "the range of `{name}` ({type}) ends at `{other}`, a {other_type} input",
        "`{name}`（{type}）的范围以 `{other}` 为端点，而它是 {other_type} 类型的填报项",
    ),
    ("a range end names an input holding the same kind of number", "范围端点应是同一种数的填报项"),
    ("the ranges of {names} bound each other in a circle", "{names} 的范围互为端点，形成循环"),
    (
        "bound an input by a fixed number or by an input that has no such range",
        "请用固定的数或没有这种范围的填报项作端点",
    ),
    ("{what:t} `{name}` is never used", "{what} `{name}` 从未使用"),
    (
        "use it in a rule, or delete it so units are not asked to supply it",
        "在规则中使用它，或删去它，免得要求各单位填报",
    ),
    ("a second `{word}` in {kind:t} `{name}`", "{kind} `{name}` 中有第二个 `{word}`"),
    ("keep one; a rule must say one thing once", "只保留一个；一条规则对一件事只说一次"),
    ("{kind:t} `{name}` has no `{word}`", "{kind} `{name}` 没有 `{word}`"),
    ("add a `{word}` statement", "加上一条 `{word}` 语句"),
    ("unknown class `{name}`", "未知的类别 `{name}`"),
    ("declare it with `class`", "请用 `class` 声明它"),
    ("the policy declares no unit class", "考核办法没有声明任何单位类别"),
    (
        'declare at least one, e.g. `class 县区 "县区" { 定量指标 100 }`',
        '至少声明一个，如 `class 县区 "县区" { 定量指标 100 }`',
    ),
    ("category `{name}` is listed twice in class `{unit_class}`", "考核内容 `{name}` 在类别 `{unit_class}` 中列了两次"),
    ("unknown category `{name}`", "未知的考核内容 `{name}`"),
    ("declare it with `category`", "请用 `category` 声明它"),
    ("a category's points must be positive", "考核内容的分值必须为正数"),
    ("category `{name}` is not part of any class", "考核内容 `{name}` 不属于任何类别"),
    ("list it with its points in a `class`, or delete it", "在某个 `class` 中列出它及其分值，或删去它"),
    ("class `{name}` gives no category any points", "类别 `{name}` 没有给任何考核内容分值"),
    ("list each category with its points, e.g. `quantitative 50`", "列出每个考核内容及其分值，如 `quantitative 50`"),
    ("class `{name}` mixes points and percentages", "类别 `{name}` 混用了分值和百分比"),
    ("give every category points, or every category a percentage", "要么都给分值，要么都给百分比"),
    ("the weights of class `{name}` add up to {total}%, not 100%", "类别 `{name}` 的权重合计为 {total}%，而不是 100%"),
    (
        "the points of class `{name}` add up to {total}, not the policy's scale of {scale}",
        "类别 `{name}` 的分值合计为 {total}，而不是考核办法的满分 {scale}",
    ),
    ("the categories are {shares}", "各考核内容为 {shares}"),
    ("category `{name}` has nothing to score", "考核内容 `{name}` 没有可计分的内容"),
    ("add an `indicator …`, `items …` or `assessed …` block", "加上 `indicator …`、`items …` 或 `assessed …` 块"),
    ("`{name}` is declared twice", "`{name}` 声明了两次"),
    (
        "the first is at {where}; indicator names must be unique in a policy (units' data refer to them)",
        "第一次在 {where}；指标名称在考核办法中必须唯一（各单位的数据按名称引用指标）",
    ),
    ("points must be positive", "分值必须为正数"),
    ("pooled items `{name}` have no points of their own", "合并计分的事项 `{name}` 没有自己的分值"),
    (
        "write the points the items are worth together: `items {name} points 40 pooled`",
        "写出这些事项合计的分值：`items {name} points 40 pooled`",
    ),
    (
        "pooled items `{name}` score by their `tally`; this `score` would never be read",
        "合并计分的事项按其 `tally` 计分；这条 `score` 永远不会被读取",
    ),
    ("remove the `score`, or remove `pooled` to score item by item", "删去 `score`，或删去 `pooled` 改为逐项计分"),
    (
        "class `{unit_class}` does not include category `{name}`, so this indicator never applies to it",
        "类别 `{unit_class}` 不含考核内容 `{name}`，这个指标对它永远不适用",
    ),
    ("indicator `{name}` has no `score`", "指标 `{name}` 没有 `score`"),
    ("add `score <expression>`, or sub-items whose scores add up", "加上 `score <表达式>`，或加上得分可累加的子项"),
    ("sub-item `{name}` is declared twice", "子项 `{name}` 声明了两次"),
    (
        "`tally` counts whole items, but `{name}` is pro-rated: in a period it becomes a fraction of an item "
        "(2 × 0.25 = 0.5)",
        "`tally` 按整项计数，但 `{name}` 按进度折算：在考核期中它会变成零点几项（2 × 0.25 = 0.5）",
    ),
    (
        "drop `prorated` from `{name}`, or score the share with a formula (`score points * done / subs`) "
        "instead of a tally",
        "去掉 `{name}` 的 `prorated`，或用公式按比例计分（`score points * done / subs`）而不用 `tally`",
    ),
    (
        "`missing peer_avg` for `{name}`: the class average is taken of whole indicators, not of {kind:t} `{measure}`",
        "`{name}` 的 `missing peer_avg`：同类平均只对整个指标取，不对{kind} `{measure}` 取",
    ),
    ("use `missing zero`, `na` or a default here", "此处请用 `missing zero`、`na` 或默认值"),
    ("`{function}` compares units of the class", "`{function}` 比较同类别的各单位"),
    ("unit input `{name}` is missing as the class average", "单位填报项 `{name}` 缺报时取同类平均"),
    (
        "{what:t} (through `{via}`), but {kind:t} `{name}` differs from unit to unit",
        "{what}（经由 `{via}`），但{kind} `{name}` 因单位而异",
    ),
    ("{what:t}, but {kind:t} `{name}` differs from unit to unit", "{what}，但{kind} `{name}` 因单位而异"),
    (
        "use class-wide functions in an `indicator` that every unit has",
        "请在每个单位都有的 `indicator` 中使用全类别函数",
    ),
    ("assessed `{name}` names no assessor", "评议 `{name}` 没有指定评议方"),
    ("add `by <assessor> weight <w>` lines", "加上 `by <评议方> weight <权重>` 行"),
    ("assessor `{name}` is listed twice", "评议方 `{name}` 列了两次"),
    ("an assessor's weight must be positive", "评议方的权重必须为正数"),
    ("dropping the highest and lowest score needs at least three assessors", "去掉最高分和最低分至少需要三个评议方"),
    # ballots (`ballots`, 评分票) and `drop extremes above n`
    (
        "`drop extremes above {above}`: a whole number of at least 2 "
        "(the highest and the lowest are dropped, and one score at least is kept)",
        "`drop extremes above {above}`：应为不小于 2 的整数（去掉最高分和最低分后至少保留一个分数）",
    ),
    (
        "assessed `{name}` takes ballots and assessors: a unit's ballots are not any assessor's score",
        "评议 `{name}` 既有评分票又有评议方：单位的评分票不是任何评议方的评分",
    ),
    ("delete the `by` lines, or `ballots`", "请删去 `by` 各行，或删去 `ballots`"),
    (
        "`drop extremes above {above}` never drops a score: `{name}` has {count:d} assessors",
        "`drop extremes above {above}` 永远不会去掉分数：`{name}` 只有 {count} 个评议方",
    ),
    ("lower the number, or list each unit's ballots (`ballots`)", "请改小该数，或让各单位列出评分票（`ballots`）"),
    ("the assessors' scale must be positive", "评议方的满分必须为正数"),
    ("unknown assessor `{name}`", "未知的评议方 `{name}`"),
    ('declare it with `assessor {name} "…"`', '请用 `assessor {name} "…"` 声明它'),
    ("award level `{name}` is declared twice", "奖项级别 `{name}` 声明了两次"),
    ("a level's points must be positive and its limit at least its points", "级别的分值必须为正数，上限不小于分值"),
    ("a cap must be positive", "封顶值必须为正数"),
    ("an award amount cannot be negative", "奖励金额不能为负"),
    ("a reduction is more than 0% and at most 100%", "下浮比例须大于 0% 且不超过 100%"),
    (
        "a coefficient applies to `total` or a category, not `{name}`",
        "系数作用于 `total` 或某个考核内容，不能作用于 `{name}`",
    ),
    ("bonus `{name}` has no award level", "加分 `{name}` 没有奖项级别"),
    (
        'add e.g. `level provincial "省级" 2`, or compute the bonus with `points …`',
        '加上如 `level provincial "省级" 2`，或用 `points …` 计算加分',
    ),
    ("`missing peer_avg` for `{name}`", "`{name}` 的 `missing peer_avg`"),
    ("unit input `{name}` (missing: the class average)", "单位填报项 `{name}`（缺报时取同类平均）"),
    (
        "{what:t} (through `{via}`) needs the unit's whole class, but {kind:t} `{name}` is decided for each unit alone",
        "{what}（经由 `{via}`）需要该单位所在类别的全部单位，而{kind} `{name}` 是逐个单位单独判定的",
    ),
    (
        "{what:t} needs the unit's whole class, but {kind:t} `{name}` is decided for each unit alone",
        "{what}需要该单位所在类别的全部单位，而{kind} `{name}` 是逐个单位单独判定的",
    ),
    (
        "the carry-over cutoff {date} lies inside {year}: every award dated after it counts in {next}",
        "结转截止日 {date} 在 {year} 年之内：此后的奖项都计入 {next} 年",
    ),
    (
        "the carry-over cutoff {date} is not between the end of {year} and the end of {next}",
        "结转截止日 {date} 不在 {year} 年底与 {next} 年底之间",
    ),
    (
        "the carry-over cutoff {date}, inherited from `{file}`, is not between the end of {year} and the end of {next}",
        "继承自 `{file}` 的结转截止日 {date} 不在 {year} 年底与 {next} 年底之间",
    ),
    (
        "awards dated after the cutoff count next year, so a {year} policy needs a cutoff such as {date}",
        "截止日之后的奖项计入下一年，{year} 年的考核办法需要如 {date} 这样的截止日",
    ),
    (
        "awards dated after the cutoff count next year, so a {year} policy needs a cutoff such as {date}: "
        "override the bonus in this file with its own `carry over after {next}`",
        "截止日之后的奖项计入下一年，{year} 年的考核办法需要如 {date} 这样的截止日："
        "请在本文件中用 `override` 替换这项加分，写上自己的 `carry over after {next}`",
    ),
    (
        "the date {date}, inherited from `{file}`, is before this policy's year {year}",
        "继承自 `{file}` 的日期 {date} 早于本考核办法的年度 {year}",
    ),
    (
        "if it is a deadline of the earlier year, override `{key}` in this file with this year's date",
        "若它是前一年的截止期限，请在本文件中用 `override` 替换 `{key}`，写上本年度的日期",
    ),
    ("grade `{name}` is used but the policy declares no `grades`", "使用了等次 `{name}`，但考核办法没有声明 `grades`"),
    ("unknown grade `{name}`", "未知的等次 `{name}`"),
    ("grades: {words}", "等次：{words}"),
    ("`grades` declares no grade", "`grades` 没有声明任何等次"),
    ("grade `{name}` is declared twice", "等次 `{name}` 声明了两次"),
    ("a grade band cannot be `{op}`", "等次区间不能用 `{op}`"),
    ("write `>= 90`, `80 to 90`, `< 60` or `otherwise`", "写 `>= 90`、`80 to 90`、`< 60` 或 `otherwise`"),
    ("the band's lower bound is not below its upper bound", "区间的下限不低于上限"),
    ("a quota of {quota}% is out of range", "名额 {quota}% 超出范围"),
    ("a quota is a share of the class above 0% and at most 100%", "名额是占本类别的比例，大于 0% 且不超过 100%"),
    ("unknown quota rounding `{word}`", "未知的名额取整方式 `{word}`"),
    ("quota rounding: {words}", "名额取整方式：{words}"),
    # computed bonuses and money
    ("a second `money` in {kind} `{name}`", "{kind} `{name}` 中出现第二个 `money`"),
    ("an award's money is a table by grade or a formula, not both", "奖励的奖金按等次列表或用公式计算，二者取其一"),
    (
        "bonus `{name}` both counts award levels and computes its points",
        "加分 `{name}` 既按奖项级别计分又用公式计算分数",
    ),
    (
        "a bonus counts the awards won by level, or computes `points` (with a `when`): make them two bonuses",
        "一项加分或按获奖级别计分，或用 `points` 公式计算（可带 `when` 条件）：请拆成两项加分",
    ),
    ("bonus `{name}` carries awards over but counts none", "加分 `{name}` 结转奖项，却不计任何奖项"),
    (
        "`carry over after` belongs to a bonus that counts award levels: delete it here",
        "`carry over after` 只用于按获奖级别计分的加分：请在此删去",
    ),
    # a shared cap
    ("`{name}` is named twice in limit `{limit}`", "`{name}` 在合计封顶 `{limit}` 中列了两次"),
    (
        "limit `{limit}` caps `{name}`, which is no bonus or deduction",
        "合计封顶 `{limit}` 所列的 `{name}` 不是加分或扣分",
    ),
    ("bonuses and deductions: {words}", "加分和扣分：{words}"),
    ("limit `{limit}` caps bonuses and deductions together", "合计封顶 `{limit}` 把加分和扣分合在一起封顶"),
    (
        "a limit caps the sum of bonuses, or the sum of deductions: make it two limits",
        "合计封顶只合计加分，或只合计扣分：请分成两项",
    ),
    # quota forms
    ("a quota head count of {count} is not a whole number of 1 or more", "名额人数 {count} 不是不小于 1 的整数"),
    ("`{form}` takes a whole number of units, such as `{form} 1`", "`{form}` 应为整数个单位，如 `{form} 1`"),
    ("more than one grade is `otherwise`", "不止一个等次是 `otherwise`"),
    ("scores below {low} get no grade", "低于 {low} 分的得分没有等次"),
    ("add e.g. `不合格 < {low}` or a grade `otherwise`", "加上如 `不合格 < {low}`，或一个 `otherwise` 等次"),
    ("grade `{name}` overlaps {other}", "等次 `{name}` 与 {other} 重叠"),
    ("each score must fall in exactly one grade", "每个得分必须恰好落在一个等次中"),
    ("scores from {low} to {high} get no grade", "{low} 至 {high} 分的得分没有等次"),
    ("make the bands meet, or add a grade `otherwise`", "让各区间首尾相接，或加一个 `otherwise` 等次"),
    ("scores of {low} and above get no grade", "{low} 分及以上的得分没有等次"),
    ("add a grade `>= {low}`", "加一个等次 `>= {low}`"),
    # rankings across classes (统一排序), classes not graded
    ("class `{name}` is named twice in ranking `{ranking}`", "类别 `{name}` 在统一排序 `{ranking}` 中写了两次"),
    ("name each class once", "每个类别只写一次"),
    (
        "class `{name}` is already ranked in ranking `{ranking}`",
        "类别 `{name}` 已在统一排序 `{ranking}` 中排名",
    ),
    (
        "a class has one rank: name it in one ranking, or merge the two rankings",
        "一个类别只有一个名次：只在一个统一排序中写它，或把两个统一排序合并",
    ),
    ("ranking `{ranking}` names one class", "统一排序 `{ranking}` 只有一个类别"),
    (
        "a class is ranked on its own without a `ranking`: name two classes or more, or remove it",
        "不写 `ranking`（统一排序），类别也在本类别内排名：写两个或更多类别，或删去它",
    ),
    # last year's results as an input
    (
        "`{name}` reads last year's results but is not a unit input",
        "`{name}` 取上年结果，但不是单位填报项",
    ),
    (
        "declare it at the top level, beside the unit's other inputs, and read it where it is needed",
        "在顶层与单位的其他填报项一起声明，在需要的地方引用它",
    ),
    ("last year's results have no `{field}`", "上年结果中没有 `{field}`"),
    ("last year's results give: {words}", "上年结果可取：{words}"),
    (
        "last year's {field:w} does not fit the {type:w} input `{name}`",
        "上年的 {field} 与 {type} 类型的填报项 `{name}` 不相符",
    ),
    (
        "a rank is a `count`, a total a `number`, a grade an input of words (`{优秀: 1, 良好: 0, 合格: 0}`)",
        "名次是 `count`（个数），总分是 `number`（数值），等次是文字填报项（`{优秀: 1, 良好: 0, 合格: 0}`）",
    ),
    ("cannot break ties by `{key}`", "不能按 `{key}` 排定同分顺序"),
    ("tie keys: `total`, a category, `id`, `name`", "同分排序依据：`total`、某个考核内容、`id`、`name`"),
    ("unknown direction `{word}`", "未知的排序方向 `{word}`"),
    ("write `asc` or `desc`", "写 `asc` 或 `desc`"),
    ("period `{name}` is declared twice", "考核期 `{name}` 声明了两次"),
    ("month {month} does not exist", "不存在第 {month} 月"),
    ("periods must end in increasing months", "各考核期的截至月必须递增"),
    ("some periods have a weight and others do not", "有的考核期有权重，有的没有"),
    ("weight every period, or none", "要么每个考核期都给权重，要么都不给"),
    ("period weights add up to {total}%, not 100%", "考核期权重合计为 {total}%，而不是 100%"),
    # weights per indicator
    (
        "`for` names the measures the period weights apply to, but no period has a weight",
        "`for` 列出了考核期权重所适用的指标，但没有一个考核期有权重",
    ),
    (
        "weight every period, adding up to 100%: `一季度 through month 3 weight 15%`",
        "给每个考核期权重，合计 100%：`一季度 through month 3 weight 15%`",
    ),
    ("`{name}` is weighted over the periods twice", "`{name}` 按考核期加权列了两次"),
    ("the periods weight `{name}`, which is no measure", "考核期加权的 `{name}` 不是考核指标"),
    ("name indicators, items or assessed measures", "请列出指标、事项或评议项目"),
    (
        "items `{name}` is weighted over the periods but has no points of its own",
        "事项 `{name}` 按考核期加权，却没有自己的分值",
    ),
    (
        "its items may differ from period to period: give the list its points, `items {name} points 20 {`, "
        "so that every period scores a share of the same points",
        "各考核期的事项可能不同：请给这份清单定分值，`items {name} points 20 {`，使每个考核期都按同一分值的比例计分",
    ),
    (
        "`{name}` is weighted over the periods and reads `score({target})`",
        "`{name}` 按考核期加权，却读取了 `score({target})`",
    ),
    (
        "a measure weighted over the periods is scored in each period on its own inputs: "
        "read the inputs the other measure reads instead",
        "按考核期加权的指标在每个考核期只按自己的填报数据计分：请改为读取另一个指标所读的填报数据",
    ),
    # the type checker
    (
        "definitions refer to each other in a cycle: {cycle}",
        "定义之间循环引用：{cycle}",
    ),
    (
        "break the cycle: one of these values must be computed from inputs alone",
        "请打破循环：其中某个值必须只由填报项算出",
    ),
    ("{what:t} must be {wanted:t}, but this is {kind:t}", "{what}必须是{wanted}，但这里是{kind}"),
    (
        "the default of `{name}` must be {wanted:t}, but this is {kind:t}",
        "`{name}` 的默认值必须是{wanted}，但这里是{kind}",
    ),
    ("each side of `{op}` must be {wanted:t}, but this is {kind:t}", "`{op}` 的两边都必须是{wanted}，但这里是{kind}"),
    (
        "divide by another money value (e.g. `actual / target`) to get a ratio",
        "除以另一个金额（如 `actual / target`）得到比率",
    ),
    (
        "divide by a pp value (e.g. `gap / 1pp`) to count percentage points",
        "除以一个百分点值（如 `gap / 1pp`）得到百分点数",
    ),
    ("write a comparison such as `x >= target`", "写一个比较，如 `x >= target`"),
    ("write `{a}pp` (percentage points) or `{b}%` with its unit", "写 `{a}pp`（百分点）或 `{b}%`，带上单位"),
    (
        "write percentages with their unit, e.g. `80%`: a bare `80` beside a percentage would mean 8000%",
        "百分比要带单位，如 `80%`：与百分比并列时，单写 `80` 表示 8000%",
    ),
    (
        "write `{value}%`: a bare `{value}` beside a percentage would mean {times}%",
        "写 `{value}%`：与百分比并列时，单写 `{value}` 表示 {times}%",
    ),
    ("cannot negate {kind:t}", "不能对{kind}取负"),
    ("unknown name `{name}`", "未知的名称 `{name}`"),
    ("declare it with `input`, `let` or `const` first", "请先用 `input`、`let` 或 `const` 声明它"),
    ("unknown function `{name}`", "未知的函数 `{name}`"),
    ("see the list of functions in docs/language.md", "函数列表见 docs/language.md"),
    (
        "`{inner}` inside `{outer}`: a class-wide value cannot depend on another class-wide value",
        "`{outer}` 中含有 `{inner}`：一个全类别的值不能依赖另一个全类别的值",
    ),
    ("compute the argument from the unit's own inputs", "请只用该单位自己的填报项计算参数"),
    ("`{name}` needs a number, not {kind:t}", "`{name}` 需要数值，而不是{kind}"),
    ("the places of `round` must be a whole number such as 2", "`round` 的小数位数必须是整数，如 2"),
    (
        "`round` keeps 0 to {most} decimal places, not {places}",
        "`round` 保留 0 到 {most} 位小数，而不是 {places} 位",
    ),
    ("values in data have at most 15 decimal places", "数据中的值最多 15 位小数"),
    ("cannot apply `{op}` to {left:t} and {right:t}", "不能对{left}和{right}使用 `{op}`"),
    ("write percentage points with their unit, e.g. `2pp`", "百分点要带单位，如 `2pp`"),
    (
        "subtract two percentages to get percentage points: `actual - target`",
        "两个百分比相减得到百分点：`actual - target`",
    ),
    ("{what:t} mix {left:t} and {right:t}", "{what}混用了{left}和{right}"),
    ("the arguments of `{function}` mix {left:t} and {right:t}", "`{function}` 的参数混用了{left}和{right}"),
    ("{what:t} must be numbers, not {kind:t}", "{what}必须是数值，而不是{kind}"),
    ("arms after `otherwise` can never apply", "`otherwise` 之后的分档永远不会生效"),
    ("put `otherwise` last", "把 `otherwise` 放在最后"),
    ("cannot compare {left:t} with {right:t}", "不能把{left}与{right}比较"),
    ("`bands` has no `otherwise` arm", "`bands` 没有 `otherwise` 档"),
    (
        "add `otherwise: 0` (or the value for anything below the last band)",
        "加上 `otherwise: 0`（或低于最后一档时的取值）",
    ),
    ("interpolation points must increase strictly", "插值点必须严格递增"),
    ("this point is not above the previous one ({previous})", "这个点不高于前一个点（{previous}）"),
    ("`interpolate` needs at least two points", "`interpolate` 至少需要两个点"),
    (
        "{subject:t} nests {depth} levels deep, counting the lets and constants it uses (at most {most})",
        "{subject}嵌套了 {depth} 层（连同它用到的 let 和常量，最多 {most} 层）",
    ),
    (
        "compute it in fewer steps: each `let` or constant used counts one level more than its expression, "
        "and a chain of about {steps} steps is the most allowed",
        "请用更少的步骤计算：每用到一个 `let` 或常量，就比它的表达式多算一层，最多允许约 {steps} 步的链",
    ),
    ("these quantities depend on each other in a circle: {cycle}", "这些量互相依赖，形成循环：{cycle}"),
    # quantity references (`score(M)`)
    (
        "a measure cannot read `subtotal({target})`: a subtotal is summed from the scores",
        "考核项目不能读取 `subtotal({target})`：小计是由各项目得分汇总而来的",
    ),
    (
        "a coefficient cannot read `subtotal({target})`: a coefficient is applied to the subtotals",
        "系数不能读取 `subtotal({target})`：系数是作用于小计的",
    ),
    (
        "`subtotal({target})` cannot be compared across the class in {kind:t} `{rule}`: "
        "the class's subtotals are not known before its totals",
        "{kind} `{rule}` 中不能在全类别内比较 `subtotal({target})`：在算出总分之前，全类别的小计尚未可知",
    ),
    (
        "compare subtotals in an award or a commendation, decided after the ranking",
        "请在排名之后判定的奖励或嘉奖中比较小计",
    ),
    (
        "read a category's subtotal in a veto, a deduction, an award or a commendation",
        "请在一票否决、扣分、奖励或嘉奖中读取考核内容的小计",
    ),
    ("no category is named `{name}`", "没有名为 `{name}` 的考核内容"),
    # references to the total before bonus, the bonus, the deductions, a veto (`subtotal()`, `bonus(B)`, …)
    (
        "{reader:t} cannot read `{written}`: it is decided before {what:t}",
        "{reader} 不能读取 `{written}`：它在{what}之前判定",
    ),
    ("measure `{name}`", "考核项目 `{name}`"),
    ("the subtotals are summed", "各小计相加"),
    ("the bonuses are counted", "计算加分"),
    ("the deductions are taken", "计算扣分"),
    ("any veto is tested", "判定一票否决"),
    ("read `{written}` in {where:t}", "请在{where}中读取 `{written}`"),
    ("a bonus, a deduction, a veto, an award or a commendation", "加分、扣分、一票否决、奖励或嘉奖"),
    ("a deduction, a veto, an award or a commendation", "扣分、一票否决、奖励或嘉奖"),
    ("a veto, an award or a commendation", "一票否决、奖励或嘉奖"),
    (
        "`{written}` cannot be compared across the class in {kind:t} `{rule}`: "
        "the class's values are not known before it is ranked",
        "{kind} `{rule}` 中不能在全类别内比较 `{written}`：在排名之前，全类别的这些值尚未可知",
    ),
    ("compare it in an award or a commendation, decided after the ranking", "请在排名之后判定的奖励或嘉奖中比较"),
    (
        "{kind:t} `{rule}` reads `{written}`, the sum of every {what:t}, its own included",
        "{kind} `{rule}` 读取 `{written}`，即所有{what}之和，其中包括它自己",
    ),
    ("name the other {kind:t}s it depends on, e.g. `{word}(…)`", "请写出它依赖的其他{kind}，如 `{word}(…)`"),
    ("no {kind:t} is named `{name}`", "没有名为 `{name}` 的{kind}"),
    ("name a {kind:t} of the policy", "请写考核办法中某项{kind}的名称"),
    (
        "{kind:t} `{target}` does not apply to class `{unit_class}`, where `{rule}` reads it",
        "{kind} `{target}` 不适用于类别 `{unit_class}`，而 `{rule}` 在该类别读取它",
    ),
    (
        "limit `{rule}` with `for` to the classes `{target}` applies to",
        "请用 `for` 把 `{rule}` 限定在 `{target}` 适用的类别",
    ),
    ("these {kind:t} rules read each other in a circle: {cycle}", "这些{kind}规则互相读取，形成循环：{cycle}"),
    (
        "a rule cannot be decided from itself; read what the other rule reads instead",
        "规则不能由它自己判定；请改为读取另一条规则所读取的内容",
    ),
    ("name a category", "请写考核内容的名称"),
    (
        "`{function}(…)` takes the name of one {what:t}, not an expression",
        "`{function}(…)` 只接受一个{what}的名称，而不是表达式",
    ),
    ("measure", "考核项目"),
    (
        "write e.g. `score(重要项目)`, naming an indicator, items or assessed measure",
        "写成如 `score(重要项目)`，括号内是指标、事项或评议项目的名称",
    ),
    (
        "write e.g. `subtotal(经济发展)`, naming a category, or `subtotal()`",
        "写成如 `subtotal(经济发展)`，括号内是考核内容的名称，或写 `subtotal()`",
    ),
    (
        "write e.g. `bonus(获奖加分)`, naming a bonus, or `bonus()` for the whole bonus",
        "写成如 `bonus(获奖加分)`，括号内是加分的名称，或写 `bonus()` 表示全部加分",
    ),
    (
        "write e.g. `deduction(通报批评)`, naming a deduction, or `deduction()`",
        "写成如 `deduction(通报批评)`，括号内是扣分的名称，或写 `deduction()`",
    ),
    ("write e.g. `vetoed(安全生产)`, naming a veto", "写成如 `vetoed(安全生产)`，括号内是一票否决的名称"),
    (
        "`{written}` cannot be read here: a constant or an input's default holds before any measure is scored",
        "这里不能读取 `{written}`：常量和填报项的默认值在任何项目计分之前就已确定",
    ),
    ("read the score in a `let` of the measure or rule that needs it", "请在需要它的项目或规则中用 `let` 读取该得分"),
    ("no measure is named `{name}`", "没有名为 `{name}` 的考核项目"),
    (
        "a sub-item's points are part of `{owner}`: read `score({owner})`",
        "子项的得分是 `{owner}` 的一部分：请读取 `score({owner})`",
    ),
    ("name an indicator, items or assessed measure", "请写指标、事项或评议项目的名称"),
    (
        "`{target}` is not scored for class `{unit_class}`, where `{owner}` reads its score",
        "`{target}` 不对类别 `{unit_class}` 计分，而 `{owner}` 在该类别读取它的得分",
    ),
    (
        "limit `{owner}` with `for` to the classes `{target}` is scored for",
        "请用 `for` 把 `{owner}` 限定在 `{target}` 计分的类别",
    ),
    ("these measures read each other's scores in a circle: {cycle}", "这些考核项目互相读取得分，形成循环：{cycle}"),
    (
        "a score cannot be computed from itself; read the inputs the other measure reads instead",
        "得分不能由它自己算出；请改为读取另一个项目所用的填报项",
    ),
    (
        "`{function}` over `score({target})`: `{target}` already compares units across the class, "
        "and a class-wide value cannot depend on another",
        "`{function}` 作用于 `score({target})`：`{target}` 本身已在全类别内比较，一个全类别的值不能依赖另一个全类别的值",
    ),
    ("take `{function}` over what `{target}` is computed from", "请把 `{function}` 作用于 `{target}` 所依据的值"),
    (
        "`{name}` does not apply to this unit, so {kind:t} `{rule}` cannot be decided",
        "`{name}` 对该单位不适用，因此无法判定{kind} `{rule}`",
    ),
    ("a quantity cannot be computed from itself; break the circle", "一个量不能由它自己算出；请打破循环"),
    # inheritance
    ("`{verb}` names {what:t}, which no extended policy declares", "`{verb}` 指向{what}，但被继承的考核办法中没有它"),
    ("{what:t} is declared twice", "{what}声明了两次"),
    ("the first declaration is at {where}; rename or remove one", "第一次声明在 {where}；请改名或删去其中一个"),
    ("{what:t} is inherited; redeclaring it needs `override`", "{what}是继承来的；重新声明需要 `override`"),
    (
        "write `override {kind} …` to replace the inherited one, or choose another name",
        "写 `override {kind} …` 替换继承来的声明，或另起名字",
    ),
    ("the `policy` header is not overridden", "`policy` 头部不用 `override`"),
    (
        "write the child's own `policy { … }` header; fields it states replace the inherited ones",
        "写出本办法自己的 `policy { … }` 头部；其中写明的字段替换继承来的",
    ),
    ("a second `policy` header in one file", "一个文件中有第二个 `policy` 头部"),
    ("each file has exactly one `policy { … }` header", "每个文件恰好有一个 `policy { … }` 头部"),
    ("{kind:t} `{name}`", "{kind} `{name}`"),
    ("the `policy` header", "`policy` 头部"),
    # fmt.*
    (
        "this policy cannot be written with {language:t} keywords: the name `{name}` is spelled like the "
        "keyword `{word}`",
        "这个考核办法不能用{language}关键字书写：名称 `{name}` 与关键字 `{word}` 写法相同",
    ),
    (
        "this policy cannot be written with {language:t} keywords: the name `{name}` is spelled like the "
        "built-in name `{word}`",
        "这个考核办法不能用{language}关键字书写：名称 `{name}` 与内置名称 `{word}` 写法相同",
    ),
    ("this policy cannot be written with {language:t} keywords", "这个考核办法不能用{language}关键字书写"),
    (
        "rename `{name}` (for example `{example}`) where it is declared and wherever it is used, then convert again",
        "在声明和使用 `{name}` 的每一处把它改名（如 `{example}`），然后再转换",
    ),
    (
        "a name is spelled like one of that language's keywords: rename it, then convert again",
        "有名称与该语言的关键字写法相同：请改名后再转换",
    ),
    # -- issue 14, inputs: words, constraints, functions
    ("the word `{word}` is already one of `{name}`'s words", "`{word}` 已是 `{name}` 的可选词之一"),
    ("give each word once, with the number it stands for", "每个词只写一次，并写明它对应的数"),
    (
        "the word `{word}` stands for {shown}; the words of an input stand for plain numbers",
        "词 `{word}` 对应 {shown}；填报项的可选词只对应普通的数",
    ),
    ("write the number without % or pp", "写数时不带 % 或 pp"),
    (
        "`{name}` holds one of its words, which has no range and is not pro-rated",
        "`{name}` 填的是可选词之一，没有范围，也不按进度折算",
    ),
    (
        "drop `range` and `prorated`: the data may hold only the words listed",
        "去掉 `range` 和 `prorated`：数据只能填所列的词",
    ),
    ("the default of `{name}` must be one of its words: {words}", "`{name}` 的默认值必须是它的可选词之一：{words}"),
    ("write `missing default <word>` with one of the words", "写 `missing default <词>`，用所列的词之一"),
    (
        "`require` reads `{name}`, which is not an input declared beside it",
        "`require`（校验）读取了 `{name}`，但它不是同一处声明的填报项",
    ),
    (
        "a constraint is checked when the data are read: it compares the inputs of its measure, sub-item, item or rule",
        "校验在读取数据时进行：只能比较同一指标、子项、事项或规则中的填报项",
    ),
    (
        "`require` uses `{function}`, which needs the unit's whole class",
        "`require`（校验）使用了 `{function}`，它需要全类别的数据",
    ),
    ("a constraint is checked for each unit's data alone", "校验逐个单位地检查该单位自己的数据"),
    ("a constraint", "校验条件"),
    ("`{name}` is a built-in function", "`{name}` 是内置函数"),
    ("`{name}(…)` reads a quantity of the unit's result", "`{name}(…)` 读取的是本单位结果中的量"),
    ("give the function a name of its own", "给函数另起一个名字"),
    ("the parameter `{param}` of `{name}` is named twice", "`{name}` 的参数 `{param}` 重名"),
    ("name each parameter once", "每个参数只命名一次"),
    ("`{name}` is not a parameter of `{function}`", "`{name}` 不是 `{function}` 的参数"),
    (
        "a function reads only its parameters: pass the value as an argument",
        "函数只能读取自己的参数：请把这个值作为参数传入",
    ),
    (
        "`{name}` needs the unit's whole class, but function `{function}` is computed from its arguments alone",
        "`{name}` 需要全类别的数据，但函数 `{function}` 只由它的参数计算",
    ),
    ("pass the class-wide value as an argument where the function is called", "在调用函数之处把全类别的值作为参数传入"),
    ("function `{name}` calls itself: {names}", "函数 `{name}` 调用了自己：{names}"),
    (
        "a function may call others, never itself (there is no recursion)",
        "函数可以调用别的函数，但不能调用自己（没有递归）",
    ),
    ("function {signature}", "函数 {signature}"),
    ("the call of `{name}` is too large: {reason}", "对 `{name}` 的调用展开后过大：{reason}"),
    ("its expansion exceeds {count:d} terms", "展开后超过 {count} 项"),
    ("it nests more than {count:d} levels once expanded", "展开后嵌套超过 {count} 层"),
    ("call fewer functions inside one another", "减少函数之间的层层调用"),
)

# The built-in functions, as a help line shows them (functions.py)
FUNCTIONS: tuple[tuple[str, str], ...] = (
    ("clamp(x, low, high): x limited to [low, high]", "clamp(x, low, high)：把 x 限制在 [low, high] 之内"),
    ("round(x, places): half-up to a whole number of places", "round(x, places)：四舍五入保留 places 位小数"),
    ("the smallest of its arguments", "各参数中最小的一个"),
    ("the largest of its arguments", "各参数中最大的一个"),
    ("the absolute value", "绝对值"),
    ("the largest whole number not above x", "不大于 x 的最大整数"),
    ("the smallest whole number not below x", "不小于 x 的最小整数"),
    ("the smallest value of x in the unit's class", "本单位所在类别中 x 的最小值"),
    ("the largest value of x in the unit's class", "本单位所在类别中 x 的最大值"),
    ("the mean of x over the unit's class", "本单位所在类别中 x 的平均值"),
    ("the number of units in the class", "本类别的单位数"),
    ("1 for the highest x in the class, ties share a rank", "本类别中 x 最高者为 1，相同者名次相同"),
    ("1 for the lowest x in the class, ties share a rank", "本类别中 x 最低者为 1，相同者名次相同"),
    ("60 + 40·(x − min)/(max − min) over the class (功效系数)", "本类别内的功效系数：60 + 40·(x − min)/(max − min)"),
    ("60 + 40·(max − x)/(max − min): lower is better", "反向功效系数：60 + 40·(max − x)/(max − min)，越低越好"),
)

# The command line's own messages: usage errors (invocation.py, cli/), summaries, progress
COMMAND_LINE: tuple[tuple[str, str], ...] = (
    ("- (standard input) is given twice; it can be read once", "-（标准输入）给了两次；标准输入只能读一次"),
    ("standard input is larger than {size} MB", "标准输入大于 {size} MB"),
    ("standard input is not UTF-8 text", "标准输入不是 UTF-8 文本"),
    (
        "checked {count} {noun}: {errors} {errors_noun}, {warnings} {warnings_noun}",
        "已检查 {count} 个文件：{errors} 个错误，{warnings} 个警告",
    ),
    ("evaluating {bar} {done}/{total} {noun:t}", "正在评估 {bar} {done}/{total} {noun}"),
    ("units", "个单位"),
    ("unit passes", "单位遍次"),
    ("wrote {path}", "已写入 {path}"),
    ("verified: {path} reproduces byte for byte", "已核验：{path} 逐字节重现"),
    ("interrupted", "已中断"),
    ("terminated", "已终止"),
    (
        "this is a bug in targetdsl, not in your files: please report it with the command you ran "
        "(set TARGETDSL_TRACEBACK=1 to see where it happened)",
        "这是 targetdsl 的缺陷，不是您文件的问题：请连同所运行的命令一起报告"
        "（设置 TARGETDSL_TRACEBACK=1 可看到出错位置）",
    ),
    ("internal error: {kind}: {detail}", "内部错误：{kind}：{detail}"),
    (
        "out of memory; for many units give .jsonl or .csv data with --format csv or jsonl, which evaluate "
        "in bounded memory",
        "内存不足；单位很多时，请给出 .jsonl 或 .csv 数据并用 --format csv 或 jsonl，这样评估只占有限内存",
    ),
    ("the file {reason:t}", "文件{reason}"),
    ("not UTF-8 text", "不是 UTF-8 文本"),
    ("no such file", "文件不存在"),
    ("{path}: no such file", "{path}：文件不存在"),
    ("{path}: {reason:t}", "{path}：{reason}"),
    ("{path}: no such file or directory", "{path}：没有这个文件或目录"),
    ("no *.test.yaml files found", "没有找到 *.test.yaml 文件"),
    ("write each period as PERIOD=DATA, not {given}", "每个考核期写作 考核期=数据文件，而不是 {given}"),
    ("--rows is 1 to {rows} and --items 1 to {items}", "--rows 取 1 到 {rows}，--items 取 1 到 {items}"),
    (
        "--office and --date are printed on the results workbook: write it with -o FILE.xlsx",
        "`--office` 和 `--date` 印在考核结果工作簿上：请用 `-o 文件.xlsx` 写出工作簿",
    ),
    (
        "{name} of {unit_class}: {slots} item slots; the longest list last year had {most} items, unit {unit} in {file}",
        "{unit_class}的{name}：{slots} 个事项栏；去年最长的清单有 {most} 项（单位 {unit}，{file}）",
    ),
    ("no unit `{unit}` in {path} (units: {known}, …)", "{path} 中没有单位 `{unit}`（单位有：{known}，…）"),
    (
        "no unit `{unit}` in {path}; did you mean `{near}`? (units: {known}, …)",
        "{path} 中没有单位 `{unit}`；是不是 `{near}`？（单位有：{known}，…）",
    ),
    (
        "no unit `{unit}` in {path}; {name} is the name of unit {id}: give its id (units: {known}, …)",
        "{path} 中没有单位 `{unit}`；{name} 是单位 {id} 的名称：请给出它的编号（单位有：{known}，…）",
    ),
    (
        "the argument {argument} is not valid text (a file name that is not UTF-8?); rename the file or give "
        "the name in UTF-8",
        "参数 {argument} 不是有效文本（文件名不是 UTF-8？）；请给文件改名，或用 UTF-8 给出文件名",
    ),
    ("periods {first} and {second} read the same file {path}", "考核期 {first} 和 {second} 读取同一个文件 {path}"),
    (
        "period {name} given twice ({first}, {second}): give each period once",
        "考核期 {name} 给了两次（{first}，{second}）：每个考核期只给一次",
    ),
    ("{period}=…: the policy weights no period {name}", "{period}=…：考核办法没有给考核期 {name} 权重"),
    ("no data given for the weighted period {name}", "有权重的考核期 {name} 没有给出数据"),
    ("{problem:t}; give each weighted period once: {usage}", "{problem}；每个有权重的考核期给一次：{usage}"),
    ("--period {period}: {problem:t}", "--period {period}：{problem}"),
    ("period {period} is not in the policy's year {year}", "考核期 {period} 不在考核办法的年度 {year} 之内"),
    ("unknown period `{period}`; use one of {names}", "未知的考核期 `{period}`；请用 {names} 之一"),
    (
        "--class {name}: the policy has no such class (classes: {known})",
        "--class {name}：考核办法没有这个类别（类别有：{known}）",
    ),
    (
        "{option} is for the impact on units: give the units with --data, or leave {option} out",
        "{option} 用于评估对各单位的影响：请用 --data 给出单位数据，或去掉 {option}",
    ),
    (
        "{option} writes csv or jsonl results (-o FILE.csv, FILE.jsonl or --format) from .jsonl or .csv data "
        "files (or a folder of them), without --record or --explain; leave it out for the others",
        "{option} 只从 .jsonl 或 .csv 数据文件（或存放它们的文件夹）输出 csv 或 jsonl 结果（-o FILE.csv、FILE.jsonl "
        "或 --format），且不带 `--record` 或 `--explain`；其他情形请去掉它",
    ),
    (
        "periods writes a table, json, jsonl or csv; `targetdsl evaluate` writes a workbook",
        "periods 输出表格、json、jsonl 或 csv；工作簿请用 `targetdsl evaluate` 输出",
    ),
    (
        "--format jsonl, csv and --jobs give the year's result of a policy weighting measures over its periods "
        "(`for …` in `periods`); this policy weights the periods' totals: use table or json",
        "`--format jsonl`、`csv` 和 `--jobs` 用于对部分指标按考核期加权的考核办法（`考核期` 中的 `适用 …`），"
        "给出全年结果；这个考核办法按考核期总分加权：请用 `table` 或 `json`",
    ),
    (
        "--explain: the policy weights the periods' totals; explain a unit of one period with "
        "`targetdsl explain POLICY DATA UNIT_ID --period PERIOD`",
        "`--explain`：考核办法按考核期总分加权；说明某一考核期的单位请用 "
        "`targetdsl explain POLICY DATA UNIT_ID --period PERIOD`",
    ),
    (
        "--carry-in and --last-year go with the last period's data of a policy weighting measures over its periods "
        "(`for …` in `periods`); this policy weights the periods' totals",
        "`--carry-in` 和 `--last-year` 用于对部分指标按考核期加权的考核办法，随最后一个考核期的数据读入"
        "（`考核期` 中的 `适用 …`）；这个考核办法按考核期总分加权",
    ),
    (
        "the policy weights {names} over its periods: this is one period's evaluation of these data; "
        "`targetdsl periods POLICY PERIOD=DATA …` gives the year's result",
        "考核办法对 {names} 按考核期加权：这是对这些数据单独一个考核期的评估；全年结果请用 "
        "`targetdsl periods POLICY PERIOD=DATA …`",
    ),
    (
        "--explain shows one unit: give it with --format table or json",
        "`--explain` 说明一个单位：请与 `--format table` 或 `json` 一起使用",
    ),
    (
        "--jobs writes csv or jsonl results (-o FILE.csv, FILE.jsonl or --format)",
        "`--jobs` 输出 csv 或 jsonl 结果（`-o FILE.csv`、`FILE.jsonl` 或 `--format`）",
    ),
    (
        "--jobs reads the last period's data ({period}) from .jsonl or .csv files (or a folder of them), not "
        "{file}; leave --jobs out to evaluate it in one process",
        "`--jobs` 从 .jsonl 或 .csv 文件（或存放它们的文件夹）读取最后一个考核期（{period}）的数据，不能读取 {file}；"
        "去掉 `--jobs` 即在一个进程中评估",
    ),
    (
        "{option} reads .jsonl and .csv data files, not {file}; leave {option} out to evaluate it in one process",
        "{option} 只读取 .jsonl 和 .csv 数据文件，不读 {file}；去掉 {option} 即由一个进程评估",
    ),
    (
        "{file}: not cut by bytes ({why:t}): read by this process and sent to the parts in runs of records",
        "{file}：未按字节切分（{why}）：由本进程读取，再按记录分批发给各部分",
    ),
    ("a quoted cell on line {line} goes on past the line's end", "第 {line} 行的带引号单元格延续到行尾之后"),
    ("line {line} ends in a lone carriage return", "第 {line} 行以单独的回车符结尾"),
    ("line {line} holds a NUL byte", "第 {line} 行含有 NUL 字节"),
    ("line {line} is longer than a cell may be", "第 {line} 行超过单元格的最大长度"),
    ("line {line} is not UTF-8 text", "第 {line} 行不是 UTF-8 文本"),
    ("its header has a problem", "它的表头有问题"),
    ("a CSV file at a URL is read here", "网址上的 CSV 文件在本进程读取"),
    (
        "part {number}'s units are no longer where its first pass left them: {path} is gone; evaluate again",
        "第 {number} 部分的单位已不在第一遍处理存放它们的位置：{path} 已不存在；请重新评估",
    ),
    (
        "part {number}'s units are no longer where its first pass left them: {path} was changed; evaluate again",
        "第 {number} 部分的单位已不在第一遍处理存放它们的位置：{path} 已被改动；请重新评估",
    ),
    (
        "the worker that holds part {number}'s units ({worker}) left the cluster before the evaluation was done; "
        "evaluate again",
        "存放第 {number} 部分单位的工作进程（{worker}）在评估完成前离开了集群；请重新评估",
    ),
    (
        "--scheduler is the address of a Dask scheduler: give --engine dask too",
        "`--scheduler` 是 `Dask` 调度器的地址：请同时给出 `--engine dask`",
    ),
    ("{given} is not a number of processes from 1 to 1024", "{given} 不是 1 到 1024 之间的进程数"),
    (
        "a sweep (several NEW policies, --jobs or --engine) evaluates one .jsonl or .csv file given with --data",
        "多方案比较（多个 NEW 考核办法、`--jobs` 或 `--engine`）只评估用 `--data` 给出的一个 .jsonl 或 .csv 文件",
    ),
    (
        "--engine dask needs Dask, which is not installed ({name}): {command}",
        "`--engine dask` 需要 `Dask`，但未安装（{name}）：{command}",
    ),
    ("the policy has no class `{name}`; its classes are {known}", "考核办法没有类别 `{name}`；它的类别有 {known}"),
    ("{path}: not formatted", "{path}：格式未规范"),
    ("formatted {path}", "已规范格式：{path}"),
    (
        "{name}: formatting would change the policy's meaning; the file was left as it is",
        "{name}：规范格式会改变考核办法的含义；文件保持原样",
    ),
    (
        "{name}: formatting would lose or reorder comments; the file was left as it is",
        "{name}：规范格式会丢失注释或打乱注释顺序；文件保持原样",
    ),
    # argparse's own complaints
    ("the following arguments are required: {names}", "缺少以下参数：{names}"),
    ("unrecognized arguments: {arguments}", "无法识别的参数：{arguments}"),
    (
        "argument {name}: invalid choice: {value} (choose from {choices})",
        "参数 {name}：无效的选择 {value}（可选 {choices}）",
    ),
    ("argument {name}: expected one argument", "参数 {name}：需要一个值"),
    ("argument {name}: expected at least one argument", "参数 {name}：至少需要一个值"),
    ("argument {name}: invalid {kind} value: {value}", "参数 {name}：无效的 {kind} 值 {value}"),
    ("argument {name}: not allowed with argument {other}", "参数 {name}：不能与参数 {other} 同用"),
    ("argument {name}: ignored explicit argument {value}", "参数 {name}：忽略了显式给出的值 {value}"),
    ("ambiguous option: {option} could match {matches}", "有歧义的选项：{option} 可能是 {matches}"),
    # invocation.py
    ("{name}: empty; give a unit id", "{name}：为空；请给出单位编号"),
    ("{name}: empty; give a path", "{name}：为空；请给出路径"),
    ("{option}: empty; give a value or leave the option out", "{option}：为空；请给一个值，或去掉这个选项"),
    (
        "POLICY and DATA are swapped: {policy} is the policy and {data} the unit data; give the policy first",
        "考核办法和数据的位置颠倒了：{policy} 是考核办法，{data} 是单位数据；请先给考核办法",
    ),
    (
        "{path} is unit data, not a policy (.tdsl): give the policy first",
        "{path} 是单位数据，不是考核办法（.tdsl）：请先给考核办法",
    ),
    (
        "{path} is a policy, not unit data (.yaml, .yml, .json, .jsonl, .csv or .xlsx)",
        "{path} 是考核办法，不是单位数据（.yaml、.yml、.json、.jsonl、.csv 或 .xlsx）",
    ),
    ("{option} {path}: is a directory; name the file to write", "{option} {path}：是目录；请给出要写的文件名"),
    ("{option} {path}: no directory {directory}; create it first", "{option} {path}：没有目录 {directory}；请先创建"),
    ("{option} {path}: cannot write in {directory}", "{option} {path}：无法在 {directory} 中写入"),
    ("{option} {path}: the file is read-only", "{option} {path}：文件是只读的"),
    (
        "{option} {path}: is an input of this command; writing it would destroy it",
        "{option} {path}：是本命令的输入；写入会毁掉它",
    ),
    ("{option} {path}: {other} writes the same file", "{option} {path}：{other} 也写这个文件"),
    (
        "{option} {path}: {what:t} is written to a {suffixes} file; name it so",
        "{option} {path}：{what}要写入 {suffixes} 文件；请这样命名",
    ),
    ("a workbook", "工作簿"),
    ("the report", "报告"),
    ("the workbook", "工作簿"),
    ("a record", "结果记录"),
    (
        "-o {output}: evaluate does not write HTML; `targetdsl report POLICY DATA -o {other}` does",
        "-o {output}：evaluate 不写 HTML；请用 `targetdsl report POLICY DATA -o {other}`",
    ),
    (
        "-o {output}: evaluate writes a table (.txt), .csv, .json, .jsonl or .xlsx, not {extension}",
        "-o {output}：evaluate 写表格（.txt）、.csv、.json、.jsonl 或 .xlsx，不写 {extension}",
    ),
    (
        "--format {given} contradicts -o {output} ({implied}); change one of them",
        "--format {given} 与 -o {output}（{implied}）矛盾；请改掉其中一个",
    ),
    (
        "--format xlsx writes a workbook; name it with -o FILE.xlsx",
        "--format xlsx 写工作簿；请用 -o 文件.xlsx 给出文件名",
    ),
)


# `--help`: the words of every command's help (cli/): descriptions, arguments, the comments of its
# examples, its exit statuses; argparse's own headings
HELP: tuple[tuple[str, str], ...] = (
    ("usage: ", "用法："),
    ("positional arguments", "位置参数"),
    ("options", "选项"),
    ("examples:", "示例："),
    ("show this help message and exit", "显示本帮助并退出"),
    ("show program's version number and exit", "显示程序的版本号并退出"),
    (
        "exit status: 0 success; 1 {failure:t}; 2 usage error (bad arguments, unreadable input, an output path that "
        "cannot be written); 3 internal error (a bug: please report it); 130 interrupted (143 terminated). Results go "
        "to standard output, errors and warnings to standard error.",
        "退出码：0 成功；1 {failure}；2 用法错误（参数有误、输入无法读取、输出路径无法写入）；3 内部错误（程序缺陷：请报告）；"
        "130 被中断（143 被终止）。结果写到标准输出，错误和警告写到标准错误。",
    ),
    ("a file has errors", "有文件含错误"),
    (
        "the policy, the data or the ledger has errors (all are listed; nothing is written)",
        "考核办法、数据或台账有错误（全部列出；不写任何文件）",
    ),
    ("the policies differ, or one has errors", "两个考核办法不同，或其中一个有错误"),
    ("the record does not reproduce, or is not a record", "结果记录不能重现，或不是结果记录"),
    ("a test fails or a policy has errors", "有测试未通过，或考核办法有错误"),
    ("the policy or a period's data has errors", "考核办法或某个考核期的数据有错误"),
    (
        "the policy, the data or the ledger has errors (nothing is written)",
        "考核办法、数据或台账有错误（不写任何文件）",
    ),
    ("the policy has errors (nothing is written)", "考核办法有错误（不写任何文件）"),
    ("never (the server runs until the editor closes it)", "不会出现（服务一直运行，直到编辑器关闭它）"),
    (
        "a file is not formatted (with --check or --diff); a file that cannot be read or parsed exits 2",
        "有文件格式未规范（带 `--check` 或 `--diff` 时）；文件无法读取或解析时退出码为 2",
    ),
    ("the policy, the data or the ledger has errors", "考核办法、数据或台账有错误"),
    ("the policy has errors", "考核办法有错误"),
    ("Target-management assessment methods as checked policy files.", "目标管理考核办法，写成经过检查的考核办法文件。"),
    (
        "the language of messages: zh (Chinese) or en (English); default: the locale's (LC_ALL, LC_MESSAGES, LANG "
        "starting with zh: Chinese; otherwise English)",
        "信息的语言：zh（中文）或 en（英文）；默认按语言环境（LC_ALL、LC_MESSAGES、LANG 以 zh 开头为中文，否则为英文）",
    ),
    ("check policy files and report every problem", "检查考核办法文件，报告每一个问题"),
    ("evaluate a policy against unit data", "按考核办法评估各单位的数据"),
    (
        "semantic difference between two policies, and its impact on units",
        "两个考核办法在含义上的差别，及其对各单位的影响",
    ),
    ("re-run a result record and confirm it byte for byte", "重新运行结果记录，逐字节核对"),
    ("run the tests written beside policies (*.test.yaml)", "运行写在考核办法旁边的测试（*.test.yaml）"),
    (
        "combine period results into the annual score by the policy's period weights",
        "按考核办法的考核期权重，把各考核期的结果合成为全年得分",
    ),
    ("a self-contained HTML report with charts", "带图表的独立 HTML 报告"),
    ("generate an Excel data-entry workbook from a policy", "按考核办法生成 Excel 数据填报工作簿"),
    ("run the language server over stdio (for editors)", "通过标准输入输出运行语言服务（供编辑器使用）"),
    ("rewrite policy files in the canonical layout", "把考核办法文件改写为规范格式"),
    ("trace one unit's result back to rules and inputs", "把一个单位的结果追溯到规则和填报数据"),
    (
        "show the policy's quantities in evaluation order and which evaluator takes each",
        "按计算顺序列出考核办法的各个量，以及由哪个求值器计算",
    ),
    (
        "Parse, resolve `extends` and check each policy file. Exit 0 when clean (warnings allowed), 1 when any file "
        "has errors. The diagnostics are this command's result: they go to standard output.",
        "解析每个考核办法文件，处理 `extends`（继承）并检查。没有错误时退出码为 0（可以有警告），有文件含错误时为 1。"
        "诊断信息就是这个命令的结果：写到标准输出。",
    ),
    ("every .tdsl under the directory", "目录下的每个 .tdsl"),
    ("standard input; extends relative to here", "标准输入；继承的路径相对于当前目录"),
    (
        "policy files (.tdsl), directories (every .tdsl under them) or - (stdin)",
        "考核办法文件（.tdsl）、目录（其下的每个 .tdsl）或 -（标准输入）",
    ),
    ("output format (default: text)", "输出格式（默认：`text`）"),
    (
        "policies may extend files under DIR only (default: the directory of the policy named, with everything "
        "below it)",
        "考核办法只能继承 DIR 之下的文件（默认：所给考核办法所在的目录及其下的一切）",
    ),
    (
        "Score every unit: each class ranked with its category subtotals, bonus, veto and grade, then the completion "
        "table. Exit 1 when the policy or the data has errors (all are listed).",
        "为每个单位计分：每个类别按名次列出各考核内容小计、加分、一票否决和等次，然后是完成情况表。"
        "考核办法或数据有错误时退出码为 1（全部列出）。",
    ),
    ("the workbooks the units sent back", "各单位交回的工作簿"),
    ("policy file (.tdsl)", "考核办法文件（.tdsl）"),
    (
        "unit data (.yaml, .yml, .json, .jsonl, .csv or .xlsx), or a folder of such files; several files (the "
        "workbooks returned by the units) are evaluated together, a unit listed twice refused with both places",
        "单位数据（.yaml、.yml、.json、.jsonl、.csv 或 .xlsx），或存放这些文件的文件夹；多个文件（各单位交回的工作簿）"
        "一起评估，同一单位出现两次时拒收并指出两处",
    ),
    (
        "progress check: a policy period, Q1–Q4, H1, H2 or YYYY-MM",
        "进度考核：考核办法的考核期，Q1–Q4、H1、H2 或 YYYY-MM",
    ),
    (
        "a progress check: a policy period, Q1–Q4, H1, H2 or YYYY-MM",
        "进度考核：考核办法的考核期，Q1–Q4、H1、H2 或 YYYY-MM",
    ),
    ("last year's carry-over ledger", "上一年度的结转台账"),
    (
        "--record records one data file: gather the units into one file, or leave --record out",
        "`--record` 只记录一个数据文件：请把各单位合到一个文件中，或去掉 `--record`",
    ),
    ("{path}: no policy files (.tdsl) in this directory", "{path}：这个目录中没有考核办法文件（.tdsl）"),
    (
        "--explain: no unit `{unit}` in the data (units: {known}, …)",
        "`--explain`：数据中没有单位 `{unit}`（单位有：{known}，…）",
    ),
    (
        "--items {text}: give a number of slots, N or LIST=N (--items 定量任务=30)",
        "`--items {text}`：请给出空位数，N 或 清单=N（`--items 定量任务=30`）",
    ),
    (
        "last year's results (the .jsonl or .json file evaluate wrote), read by inputs `from last year`",
        "上年结果（evaluate 写出的 .jsonl 或 .json 文件），供 `from last year`（取上年）的填报项读取",
    ),
    ("no progress line and no `wrote FILE` note on standard error", "标准错误上不显示进度，也不显示“已写入 文件”"),
    (
        "output format (default: from the extension of -o, else table; xlsx needs -o; jsonl is one unit's results "
        "per line). csv and jsonl from .jsonl or .csv data are streamed: any number of units, in bounded memory",
        "输出格式（默认：按 -o 的扩展名，否则为 `table`；`xlsx` 需要 `-o`；jsonl 每行一个单位的结果）。"
        "由 .jsonl 或 .csv 数据输出 csv 和 jsonl 时逐条处理：单位数不限，内存有限",
    ),
    ("with --format json or jsonl: include every explanation", "与 --format json 或 jsonl 一起：包含每一条说明"),
    (
        "CSV: begin with a UTF-8 byte order mark, which Excel on a Chinese Windows needs to read the file as UTF-8 "
        "(default: on when -o writes a .csv file, off on standard output)",
        "CSV：以 UTF-8 字节顺序标记开头，中文 Windows 上的 Excel 需要它才能按 UTF-8 读取文件"
        "（默认：-o 写 .csv 文件时加上，写到标准输出时不加）",
    ),
    ("also write the carry-over ledger for next year", "同时写出下一年度的结转台账"),
    (
        "write to FILE instead of standard output; its extension picks the format",
        "写到 FILE 而不是标准输出；由扩展名决定格式",
    ),
    ("also write a record that `targetdsl verify` re-checks", "同时写出一份可由 `targetdsl verify` 复核的结果记录"),
    (
        "evaluate in N processes of this machine (csv or jsonl results from .jsonl or .csv files or a folder); "
        "the result is the same, byte for byte (default: 1)",
        "在本机用 N 个进程评估（由 .jsonl 或 .csv 文件或文件夹输出 csv 或 jsonl 结果）；结果逐字节相同（默认：1）",
    ),
    (
        "dask: evaluate on a Dask cluster (needs the dask extra: pip install 'targetdsl[dask]'); csv or jsonl results "
        "from .jsonl or .csv files, a folder or a URL; the same result (default: local)",
        "`dask`：在 Dask 集群上评估（需要 `dask` 附加组件：`pip install 'targetdsl[dask]'`）；由 .jsonl 或 .csv 文件、"
        "文件夹或 URL 输出 csv 或 jsonl 结果；结果相同（默认：`local`，本机）",
    ),
    (
        "the issuing office, printed under the title of the results workbook (.xlsx)",
        "发布单位，印在结果工作簿（.xlsx）的标题下",
    ),
    (
        "the date printed under the workbook's title, as given (never today's)",
        "印在工作簿标题下的日期，照写（从不取当天）",
    ),
    (
        "last year's data (files, or a folder of returned workbooks): each item list gets the slots its longest list "
        "there needs, and room for a fifth more (at least 2); --items LIST=N still decides a list",
        "上年度的数据（文件，或交回的工作簿所在文件夹）：每个事项列表按其中最长的列表留出栏位，另加五分之一"
        "（至少 2 个）；`--items 列表=N` 仍可指定某个列表",
    ),
    (
        "with --engine dask: the scheduler's address (tcp://host:8786); default: a cluster on this machine with "
        "--jobs workers",
        "与 `--engine dask` 一起：调度器的地址（`tcp://host:8786`）；默认：本机上有 `--jobs` 个工作进程的集群",
    ),
    (
        "Compare the effective policies (after `extends`) in the domain's terms; layout, comments and declaration "
        "order are not changes. With --data, evaluate both on the same units and report who gains or loses. "
        "Several NEW policies (variants), or a grid of OLD's category weights (--weights), with --data sweep: each "
        "is evaluated on the same .jsonl or .csv units and compared with OLD, listing who changes grade, rank or "
        "money (--jobs N processes, or --engine dask). Exit 0 when equivalent, 1 when different, 2 on error.",
        "按考核的术语比较两个生效的考核办法（处理 `extends` 之后）；排版、注释和声明顺序不算变化。带 --data 时，"
        "用同一批单位评估两者，报告谁得谁失。多个 NEW 考核办法（变体），或 OLD 的一组考核内容权重（`--weights`），"
        "带 --data 时逐一试算："
        "每个都用同一批 .jsonl 或 .csv 单位评估并与 OLD 比较，列出等次、名次或奖金有变化的单位（`--jobs N` 个进程，"
        "或 `--engine dask`）。含义相同时退出码为 0，不同时为 1，出错时为 2。",
    ),
    ("who gains, who loses", "谁得谁失"),
    ("a sweep of variants", "逐一试算各个变体"),
    ("the earlier policy (of a sweep: the base)", "较早的考核办法（试算时：基准）"),
    ("the later policy; several: variants to sweep", "较新的考核办法；多个时：逐一试算的变体"),
    (
        "a sweep of OLD's category weights: a class's candidate weights, one per category in the order the class "
        "lists them (县区=40:50:10,50:40:10); repeated for other classes, every combination is a variant",
        "试算 OLD 的考核内容权重：一个类别的候选权重，按该类别列出考核内容的顺序每项一个"
        "（县区=40:50:10,50:40:10）；对其他类别重复此选项，每种组合都是一个变体",
    ),
    ("a weight grid", "一组权重"),
    (
        "give the later policy NEW (several for a sweep), or --weights for a sweep of OLD's weights",
        "请给出较新的考核办法 NEW（试算时给多个），或用 `--weights` 试算 OLD 的权重",
    ),
    ("--weights: {message:t}", "`--weights`：{message}"),
    ("expected CLASS=A:B[:C…][,A:B…], got {value}", "应写作 类别=A:B[:C…][,A:B…]，实际为 {value}"),
    (
        "expected weights such as 40:50:10 for class {name}, got {value}",
        "类别 {name} 的权重应写作 40:50:10 这样，实际为 {value}",
    ),
    ("a weight is a number, 0 or more: {value} for class {name}", "权重是不小于 0 的数：类别 {name} 的 {value}"),
    ("no class `{name}` in the base policy (classes: {known})", "基准考核办法中没有类别 `{name}`（类别有：{known}）"),
    (
        "the weights of class `{name}` are given twice: list its candidates once, by commas",
        "类别 `{name}` 的权重给了两次：请在一处用逗号列出全部候选",
    ),
    (
        "class `{name}` weighs {count} categories ({categories}), not {given}: {weights}",
        "类别 `{name}` 有 {count} 项考核内容（{categories}），不是 {given} 项：{weights}",
    ),
    (
        "unit data (a file or a folder of them) to evaluate both policies on",
        "用来评估两个考核办法的单位数据（文件或文件夹）",
    ),
    ("progress check for the impact report", "影响报告的进度考核期"),
    ("carry-over ledger for the impact report", "影响报告的结转台账"),
    ("output format", "输出格式"),
    ("a sweep: evaluate each policy in N processes", "试算：每个考核办法用 N 个进程评估"),
    ("a sweep: dask evaluates on a Dask cluster", "试算：`dask` 在 Dask 集群上评估"),
    ("a sweep with --engine dask: the scheduler's address", "带 `--engine dask` 的试算：调度器的地址"),
    (
        "Check the recorded policy and data files against their SHA-256, evaluate again, and compare the result. "
        "Exit 0 when verified, 1 when anything differs (each difference is listed).",
        "按 SHA-256 核对记录中的考核办法和数据文件，重新评估并比较结果。核验通过时退出码为 0，"
        "有任何不同时为 1（逐项列出）。",
    ),
    ("a record written by `evaluate --record`", "由 `evaluate --record` 写出的结果记录"),
    (
        "Run every *.test.yaml under the given paths (default: the current directory). A failure shows expected "
        "against actual and the explanation of the actual value. Exit 1 when any test fails.",
        "运行所给路径下的每个 *.test.yaml（默认：当前目录）。未通过的测试列出应为与实为，以及实际值的说明。"
        "有测试未通过时退出码为 1。",
    ),
    ("every *.test.yaml under the current directory", "当前目录下的每个 *.test.yaml"),
    ("test files, directories or - (a test file on stdin)", "测试文件、目录或 -（从标准输入读一个测试文件）"),
    (
        "report which rules, branches, bands and vetoes the tests exercised, and which not",
        "报告测试覆盖了哪些规则、分支、分档和一票否决，哪些没有覆盖",
    ),
    (
        "Evaluate each weighted period on its own data (targets pro-rated) and rank units on the weighted sum of "
        "their period totals; when the policy weights measures over its periods (`for …` in `periods`), give each "
        "of those measures the weighted sum of its period scores and decide the rest on the last period's data: "
        "the year's result.",
        "用各自的数据评估每个有权重的考核期（目标按进度折算），按各考核期总分的加权和给单位排名；考核办法对部分"
        "指标按考核期加权时（`考核期` 中的 `适用 …`），这些指标各得其各考核期得分的加权和，其余按最后一个考核期的"
        "数据评定：即全年结果。",
    ),
    ("last year's carry-over ledger (with the last period's data)", "上年结转台账（随最后一个考核期的数据读入）"),
    (
        "explain this unit's result, each measure weighted over the periods period by period",
        "说明这个单位的结果，按考核期加权的指标逐期列出",
    ),
    (
        "output format (default: from the extension of -o, else table); jsonl and csv give the year's result of a "
        "policy weighting measures over its periods, streamed when the last period's data are a .jsonl or .csv file",
        "输出格式（默认：按 `-o` 的扩展名，否则为表格）；jsonl 和 csv 给出对部分指标按考核期加权的考核办法的全年结果，"
        "最后一个考核期的数据是 .jsonl 或 .csv 文件时逐条流式处理",
    ),
    (
        "with --format jsonl or csv: evaluate the last period in N processes of this machine (its data a .jsonl or "
        ".csv file or a folder of them); the result is the same, byte for byte (default: 1)",
        "与 `--format jsonl` 或 `csv` 一起使用：在本机用 N 个进程评估最后一个考核期（其数据为 .jsonl 或 .csv 文件或存放"
        "它们的文件夹）；结果逐字节相同（默认：1）",
    ),
    ("each weighted period's unit data", "每个有权重的考核期的单位数据"),
    (
        "Evaluate and write one static HTML page: the policy's status (and the office and date given), summary "
        "figures, each class ranked with a bar per unit as long as its total (categories, bonus, deductions), grades "
        "in the policy's order, vetoes and causes, the completion table and every unit's explanation. It needs no "
        "network to view and prints on A4. With --cards: a score card per unit, one A4 page each.",
        "评估并写出一个静态 HTML 页面：考核办法的状态（以及所给的发布单位和日期）、汇总数字、每个类别的排名"
        "（每个单位一条与总分等长的条形，分为考核内容、加分、扣分）、按考核办法顺序的等次、一票否决及其原因、"
        "完成情况表和每个单位的说明。查看时不需要网络，可按 A4 打印。带 `--cards` 时：每个单位一张成绩单，各占一页 A4。",
    ),
    ("the page to write", "要写出的页面"),
    ("write a score card (成绩单) per unit instead, one A4 page each", "改为每个单位写一张成绩单，各占一页 A4"),
    ("the issuing office, printed on the first page", "发布单位，印在第一页"),
    (
        "the date printed on the first page, as given (default: none, never today's)",
        "印在第一页的日期，照所给的印（默认：不印，从不取当天日期）",
    ),
    (
        "One sheet per unit class, a row per unit, a column per declared input with its display name, type and "
        "allowed range (Excel data validation), locked header rows and an instructions sheet. A filled workbook is "
        "read by `targetdsl evaluate` as it is.",
        "每个单位类别一张工作表，每个单位一行，每个声明的填报项一列，带显示名称、类型和允许范围（Excel 数据验证），"
        "表头行锁定，另有一张填表说明。填好的工作簿可以直接由 `targetdsl evaluate` 读取。",
    ),
    ("the workbook to write", "要写出的工作簿"),
    ("only this unit class", "只生成这个单位类别"),
    ("rows per sheet, 1 to 5,000 (default 100)", "每张工作表的行数，1 到 5,000（默认 100）"),
    (
        "item slots: N for every item list, LIST=N for one (repeat it: --items 10 --items 定量任务=30); 1 to 200, "
        "default 10",
        "事项栏数：N 用于每个事项清单，清单=N 用于其中一个（可重复：--items 10 --items 定量任务=30）；1 到 200，默认 10",
    ),
    (
        "A Language Server Protocol server over standard input and output: diagnostics, hover, go to definition, "
        "completion, formatting and an outline. See docs/editors.md.",
        "通过标准输入输出运行的语言服务协议（LSP）服务：诊断、悬停提示、跳转到定义、补全、格式化和大纲。"
        "见 docs/editors.md。",
    ),
    ("started by the editor (docs/editors.md)", "由编辑器启动（docs/editors.md）"),
    ("extends may reach any file under ~/policies", "继承可以用到 ~/policies 之下的任何文件"),
    (
        "policies may extend files under DIR (default: the editor's workspace folder holding the policy, else the "
        "policy's own directory)",
        "考核办法可以继承 DIR 之下的文件（默认：编辑器中包含该考核办法的工作区文件夹，否则为考核办法自己的目录）",
    ),
    (
        "Rewrite each file in the canonical layout, keeping every comment. The result is re-parsed and compared "
        "before anything is written. With --check or --diff nothing is written; exit 1 when a file is not formatted.",
        "把每个文件改写为规范格式，保留所有注释。写出之前重新解析结果并比较。带 `--check` 或 `--diff` 时不写任何文件；"
        "有文件格式未规范时退出码为 1。",
    ),
    ("exit 1: a file would change; 2: one cannot be parsed", "退出码 1：有文件会改变；2：有文件无法解析"),
    (
        "policy files (.tdsl), directories (every .tdsl under them) or - (read standard input, write the formatted "
        "text to standard output)",
        "考核办法文件（.tdsl）、目录（其下的每个 .tdsl）或 -（读标准输入，把规范后的文本写到标准输出）",
    ),
    ("only report files that are not formatted", "只报告格式未规范的文件"),
    ("print what would change as a unified diff", "以统一差异格式显示会改变什么"),
    (
        "write the keywords in Chinese (zh) or English (en); by default each file keeps its own",
        "用中文（zh）或英文（en）书写关键字；默认每个文件保持自己的",
    ),
    (
        "Every number of one unit's result with the rule (file:line) that produced it, the inputs used, intermediate "
        "values, caps, the veto that fired and why the grade is what it is.",
        "一个单位结果中的每个数，以及得出它的规则（文件:行）、用到的填报数据、中间值、封顶、触发的一票否决，"
        "以及等次为什么是这个等次。",
    ),
    ("the unit's id", "单位编号"),
    (
        "Lower the policy to its named quantities and print them per class in evaluation order: what each depends on, "
        "the pass of a partitioned evaluation it belongs to (per unit, or settled over the whole class), and which "
        "evaluator takes it when nothing is explained — the class's generated kernel, generated expressions or the "
        "reference path — with the reason a faster one declines it.",
        "把考核办法展开为一个个有名称的量，按类别以计算顺序列出：每个量依赖什么，属于分块评估的哪一遍（逐单位，"
        "或在全类别汇总），以及不需要说明时由哪个求值器计算——类别的生成内核、逐式生成代码或参考路径——"
        "并说明更快的求值器为什么不计算它。",
    ),
)

# data.*: reading and validating unit data (documents, tabular, sheets, data, ledger, stream, periods)
DATA: tuple[tuple[str, str], ...] = (
    ("{kind:t}, not a regular file", "{kind}，不是普通文件"),
    ("is a named pipe (FIFO)", "是命名管道（FIFO）"),
    ("is a device", "是设备"),
    ("is a socket", "是套接字"),
    ("is a special file", "是特殊文件"),
    ("sheet {sheet}", "工作表 {sheet}"),
    ("sheet {sheet}, row {row}", "工作表 {sheet} 第 {row} 行"),
    ("no `{column}` column", "没有 `{column}` 列"),
    ("{value} is not a date Excel can show", "{value} 不是 Excel 能显示的日期"),
    (
        "not a readable .xlsx workbook ({detail}); open it in Excel and save it again as an Excel Workbook (.xlsx)",
        "不是可读的 .xlsx 工作簿（{detail}）；请在 Excel 中打开，重新另存为 Excel 工作簿（.xlsx）",
    ),
    ("refers to a text the workbook does not hold", "引用了工作簿中没有的文本"),
    ("`{text}` is not a date", "`{text}` 不是日期"),
    ("{what:t}; the policy's classes are {classes}", "{what}；考核办法的类别有 {classes}"),
    ("missing class", "缺少类别"),
    ("expected a class, found {found:t}", "此处应为类别，却是{found}"),
    ("scores are given only by {given}, not {other:t}", "只有 {given} 给出得分，而不是{other}"),
    ("a given score is out of 100, not {value}", "给定的得分以 100 为满分，而不是 {value}"),
    ("assessor score {value} is outside 0 to {scale}", "评议得分 {value} 超出 0 至 {scale}"),
    ("ballot score {value} is outside 0 to {scale}", "评分票分数 {value} 超出 0 至 {scale}"),
    (
        "`{value}` is not a ballot: write its score (0 to {scale}), or 废票 (invalid)",
        "`{value}` 不是评分票：请填分数（0 至 {scale}），或填 废票",
    ),
    ("missing: list this unit's ballots", "缺失：请列出本单位的评分票"),
    ("expected a list of ballots, each a score or `invalid`", "此处应为评分票的列表，每张为分数或 `invalid`（废票）"),
    (
        "no valid ballot ({invalid:d} invalid): `{name}` cannot be scored",
        "没有有效票（废票 {invalid} 张）：`{name}` 无法计分",
    ),
    ("no ballot: `{name}` cannot be scored", "没有评分票：`{name}` 无法计分"),
    ("{what:t}; levels are {levels}", "{what}；级别有 {levels}"),
    ("missing award level", "缺少奖项级别"),
    ("unknown award level `{level}`", "未知的奖项级别 `{level}`"),
    ("{value} is {side:t} {field:t}, the {end:t} end of its range", "{value} {side}其范围的{end}限 {field}"),
    ("above", "高于"),
    ("below", "低于"),
    ("upper", "上"),
    ("lower", "下"),
    ("{value} has more than {digits} significant digits", "{value} 超过 {digits} 位有效数字"),
    ("an item's points must be positive", "事项的分值必须为正数"),
    ("the data is for {year}, the policy for {policy_year}", "数据是 {year} 年的，考核办法是 {policy_year} 年的"),
    ("the ledger is for {year}; {why:t}", "这份台账是 {year} 年的；{why}"),
    ("a {this} assessment takes the {last} ledger", "{this} 年的考核用 {last} 年的台账"),
    (
        "it is this year's own ledger: its late awards count next year, not again now",
        "这是本年度自己的台账：其中迟到的奖项计入下一年，不在本年再计",
    ),
    ("the policy has no bonus `{name}`", "考核办法没有加分 `{name}`"),
    (
        "is not UTF-8 text; save it as UTF-8 {how:t}; GBK is not accepted",
        "不是 UTF-8 文本；请存为 UTF-8{how}；不接受 GBK",
    ),
    ("(“CSV UTF-8” in Excel's Save As)", "（Excel“另存为”中的“CSV UTF-8”）"),
    ("(the editor's or exporter's encoding)", "（编辑器或导出工具的编码）"),
    ("this file is {what:t}", "这个文件是{what}"),
    (
        "this file is an OpenDocument spreadsheet (.ods): open it in Excel or WPS and save it as an Excel Workbook (.xlsx)",
        "这个文件是 OpenDocument 表格（.ods）：请用 Excel 或 WPS 打开并另存为 Excel 工作簿（.xlsx）",
    ),
    (
        "this file is a Word document: put the units in a workbook (the template) or a CSV file",
        "这个文件是 Word 文档：请把单位填在工作簿（模板）或 CSV 文件中",
    ),
    ("the file is empty", "文件是空的"),
    # what was found where a value was expected
    ("nothing", "空值"),
    ("a list", "列表"),
    ("a set", "集合"),
    ("a mapping of names to values", "名称到值的映射"),
    ("bytes (give text)", "字节串（请给文本）"),
    ("the binary float {value}", "二进制浮点数 {value}"),
    ("the date {date}", "日期 {date}"),
    ("a value that is neither text nor a number", "既不是文本也不是数的值"),
    ("a number out of range", "超出范围的数"),
    ("expected the unit's id as text, found {found:t}", "单位编号应为文本，却是{found}"),
    ("expected the unit's name as text, found {found:t}", "单位名称应为文本，却是{found}"),
    ("missing unit id", "缺少单位编号"),
    ("missing class; the policy's classes are {classes}", "缺少类别；考核办法的类别有 {classes}"),
    (
        "expected a class, found {found:t}; the policy's classes are {classes}",
        "此处应为类别，却是{found}；考核办法的类别有 {classes}",
    ),
    ("unknown class `{name}`; the policy's classes are {classes}", "未知的类别 `{name}`；考核办法的类别有 {classes}"),
    ("expected a name, found {found:t}", "此处应为名称，却是{found}"),
    ("expected true or false, found {found:t}", "此处应为是或否（true 或 false），却是{found}"),
    (
        "expected a date such as 2003-12-05, 2003/12/05 or 2003年12月5日, found {found:t}",
        "此处应为日期（如 2003-12-05、2003/12/05 或 2003年12月5日），却是{found}",
    ),
    ("expected a whole number of at least 0, found {found}", "此处应为不小于 0 的整数，却是 {found}"),
    ("expected a number, found {found:t}", "此处应为数，却是{found}"),
    ("expected a date YYYY-MM-DD, found {found:t}", "此处应为 YYYY-MM-DD 格式的日期，却是{found}"),
    ("expected a year such as 2002, found {found:t}", "此处应为年份（如 2002），却是{found}"),
    ("expected a year such as 2003, found `{found}`", "此处应为年份（如 2003），却是 `{found}`"),
    ("expected a mapping of names to values", "此处应为名称到值的映射"),
    ("expected a mapping with id, name, class and inputs", "此处应为含 `id`、`name`、`class` 和各填报项的映射"),
    ("expected a list of units", "此处应为单位列表"),
    ("expected a list of items", "此处应为事项列表"),
    ("expected a list of awards won", "此处应为所获奖项的列表"),
    ("expected a list of carried-over awards", "此处应为结转奖项的列表"),
    ("expected a ledger: a mapping with `year` and `carry_over`", "此处应为结转台账：含 `year` 和 `carry_over` 的映射"),
    # data.last-year: last year's results
    (
        "is read from last year's results (`from last year`), not from the data: remove it from the data",
        "取自上年结果（`from last year`），不由数据填报：请从数据中删去",
    ),
    (
        "no {field:w} last year for this unit in last year's results: it is new, or declare what `{name}` is "
        "without one (`missing na`, `missing default …`)",
        "上年结果中没有本单位上年的 {field}：它是新单位，或请声明没有时 `{name}` 取什么（`missing na`、`missing default …`）",
    ),
    (
        "the policy reads last year's results ({names}) and none were given: give the results file last year's "
        "evaluation wrote (--last-year)",
        "考核办法要取上年结果（{names}），但没有给出：请给出上年评估写出的结果文件（--last-year）",
    ),
    (
        "last year's results are the .jsonl or .json file `targetdsl evaluate` wrote",
        "上年结果是 `targetdsl evaluate` 写出的 .jsonl 或 .json 文件",
    ),
    (
        "these are the results of {said:d}, not of the year before {wanted:d}",
        "这是 {said} 年的结果，不是 {wanted} 年的上一年的结果",
    ),
    (
        "expected the results of an evaluation: its units, each with id, class, rank, total and grade",
        "此处应为一次评估的结果：各单位，每个含编号、类别、名次、总分和等次",
    ),
    ("listed twice (also {first:t})", "重复列出（又见{first}）"),
    (
        "expected a unit's result: id, class, rank, total and grade",
        "此处应为一个单位的结果：编号、类别、名次、总分和等次",
    ),
    ("a unit's result without its id", "单位结果缺少编号"),
    ("a unit's result without its class (`unit_class`)", "单位结果缺少类别（`unit_class`）"),
    ("a unit's result without its rank, a whole number from 1", "单位结果缺少名次（从 1 起的整数）"),
    ("a unit's result without its total", "单位结果缺少总分"),
    ("a unit's grade is a word, or `null` when it had none", "单位的等次是一个词，没有等次时为 `null`"),
    ("a result last year for a unit that is not in this year's data", "上年有结果的单位不在本年度数据中"),
    (
        "last year's result is of class {old}, this year the unit is of class {now}",
        "上年结果属类别 {old}，本年度该单位属类别 {now}",
    ),
    ("each entry needs unit, bonus, level, name and date", "每一条都需要 `unit`、`bonus`、`level`、`name` 和 `date`"),
    (
        "{value} is a binary float that is not a number of at most {digits} significant digits (the result of a "
        "computation?): round it, or pass it as Decimal or text",
        "{value} 是二进制浮点数，不是最多 {digits} 位有效数字的数（计算的结果？）：请舍入，或以 Decimal 或文本传入",
    ),
    ("{value} has more than 34 significant digits", "{value} 超过 34 位有效数字"),
    (
        "the sheet has no column `{column}`: every unit in it would take `missing {rule}` without a word; add the "
        "column (this year's template has it) and leave its cells blank where that is meant",
        "表中没有 `{column}` 列：表中每个单位都会不声不响地按 `missing {rule}` 处理；请加上这一列（今年的模板中有），"
        "需要按缺报规则处理的单元格留空",
    ),
    (
        "`{raw}` is how Excel shows a number of 12 digits or more, or below 0.0001, rounded to 6 significant "
        "digits, and a CSV file keeps only what is shown: format the column as Number in Excel and save again, "
        "or write the number in full",
        "`{raw}` 是 Excel 显示 12 位以上（或小于 0.0001）的数的方式，只保留 6 位有效数字，而 CSV 文件只保存显示的"
        "内容：请在 Excel 中把这一列设为“数值”格式后重新保存，或写出完整的数",
    ),
    ("{value} is outside the range of plausible values", "{value} 超出合理取值范围"),
    ("{value} is outside the declared range {low} to {high}", "{value} 超出声明的范围 {low} 至 {high}"),
    ("{field} (missing, so taken as 0)", "{field}（缺报，按 0 计）"),
    ("missing assessor score", "缺少评议得分"),
    ("missing value", "缺少数值"),
    ("missing value ({label})", "缺少数值（{label}）"),
    (
        "no items listed: list this unit's items, or, if a unit without items is not assessed on this measure, "
        "declare `missing na` on an input of the items",
        "未列出任何事项：请列出本单位的事项；如果没有事项的单位不参加这项考核，请在事项的某个填报项上声明 `missing na`",
    ),
    ("missing: the year whose assessment wrote this ledger", "缺少：写出这份台账的考核年度"),
    ("missing: an award is carried over because of its date", "缺少：奖项按日期结转"),
    (
        "missing: this bonus carries late awards over, so each award needs a date",
        "缺少：这项加分会结转迟到的奖项，所以每个奖项都要有日期",
    ),
    ("missing award level; levels are {levels}", "缺少奖项级别；级别有 {levels}"),
    ("unknown award level `{level}`; levels are {levels}", "未知的奖项级别 `{level}`；级别有 {levels}"),
    ("unknown indicator", "未知的指标"),
    ("unknown input; `{name}` takes {inputs}", "未知的填报项；`{name}` 的填报项有 {inputs}"),
    ("unknown input; items of `{name}` take {inputs}", "未知的填报项；`{name}` 的事项的填报项有 {inputs}"),
    ("unknown input; the policy declares {inputs}", "未知的填报项；考核办法声明的有 {inputs}"),
    ("unknown input; the policy declares no inputs here", "未知的填报项；考核办法在此处没有声明填报项"),
    ("`{name}` takes no given scores", "`{name}` 不采信给定分数"),
    ("unknown key; an award has name, level and date", "未知的键；奖项有 `name`、`level` 和 `date`"),
    ("unknown key; expected one of {keys}", "未知的键；应为 {keys} 之一"),
    ("unknown top-level key (a ledger has `year` and `carry_over`)", "未知的顶层键（台账有 `year` 和 `carry_over`）"),
    ("unknown top-level key (expected {keys})", "未知的顶层键（应为 {keys}）"),
    ("no bonus `{name}` applies to class {unit_class}", "没有适用于类别 {unit_class} 的加分 `{name}`"),
    ("no veto `{name}` applies to class {unit_class}", "没有适用于类别 {unit_class} 的一票否决 `{name}`"),
    ("no deduction `{name}` applies to class {unit_class}", "没有适用于类别 {unit_class} 的扣分 `{name}`"),
    ("no coefficient `{name}` applies to class {unit_class}", "没有适用于类别 {unit_class} 的系数 `{name}`"),
    ("no award `{name}` applies to class {unit_class}", "没有适用于类别 {unit_class} 的奖励 `{name}`"),
    ("no commendation `{name}` applies to class {unit_class}", "没有适用于类别 {unit_class} 的嘉奖 `{name}`"),
    (
        "`{unit}` does not assess `{measure}`; its assessors are {assessors}",
        "`{unit}` 不参与评议 `{measure}`；它的评议方有 {assessors}",
    ),
    ("{date} is outside the assessment year {year}", "{date} 不在考核年度 {year} 之内"),
    (
        "{date} is outside the assessment year {year} (and the following year, when late awards are presented)",
        "{date} 不在考核年度 {year} 之内（也不在颁发迟到奖项的下一年之内）",
    ),
    (
        "the same award as {other} ({level}, {name}, {date:t}): each award is listed once",
        "与 {other} 是同一个奖项（{level}，{name}，{date}）：每个奖项只列一次",
    ),
    ("no date", "无日期"),
    ("the same award as {other}: each award is carried over once", "与 {other} 是同一个奖项：每个奖项只结转一次"),
    # points carried in (上年度结转加分)
    ("an entry carries points or an award's level, not both", "一条记录结转的是分数或奖项级别，不能两者都有"),
    (
        "unknown key; carried points have unit, bonus, name, points and date",
        "未知的键；结转分数的记录有 `unit`、`bonus`、`name`、`points` 和 `date`",
    ),
    (
        "{points} points cannot be carried in: carried points are above 0",
        "不能结转 {points} 分：结转的分数应大于 0",
    ),
    ("missing: say what earned the points carried in", "缺失：请写明结转的分数因何而得"),
    ("duplicate unit id (also unit #{index} in the file)", "单位编号重复（文件中第 {index} 个单位也是它）"),
    (
        "duplicate unit id: {first:t} and {second:t} both give `{id}`; each unit is listed once, under its own id",
        "单位编号重复：{first} 和 {second} 都是 `{id}`；每个单位只列一次，用它自己的编号",
    ),
    (
        "duplicate unit id (`{written}` reads as `{id}`): {first:t} and {second:t} both give `{id}`; each unit is "
        "listed once, under its own id",
        "单位编号重复（`{written}` 读作 `{id}`）：{first} 和 {second} 都是 `{id}`；每个单位只列一次，用它自己的编号",
    ),
    ("line {line:d}, column `{column}`", "第 {line} 行 `{column}` 列"),
    ("line {line:d}", "第 {line} 行"),
    ("unit #{index:d}", "第 {index} 个单位"),
    ("sheet {sheet}, cell {cell}", "工作表 {sheet} 的 {cell} 单元格"),
    # a record's place among gathered files: its file, then its place in it (a duplicate id's two places)
    ("{file}, sheet {sheet}, cell {cell}", "{file} 工作表 {sheet} 的 {cell} 单元格"),
    ("{file}, line {line:d}", "{file} 第 {line} 行"),
    ("a control character ({code}) in the {what:t}: retype it", "{what}中有控制字符（{code}）：请重新输入"),
    ("an invisible character ({code}) in the {what:t}: retype it", "{what}中有不可见字符（{code}）：请重新输入"),
    ("half of a character ({code}) in the {what:t}: retype it", "{what}中有半个字符（{code}）：请重新输入"),
    ("id", "编号"),
    ("name", "名称"),
    (
        "no units: the file lists none (a blank template, or the wrong file?); fill in the units to assess",
        "没有单位：文件中一个单位也没有（空白模板，还是给错了文件？）；请填入要考核的单位",
    ),
    (
        "duplicate key `{key}`: each key may appear once (which of the values is meant?)",
        "键 `{key}` 重复：每个键只能出现一次（指的是哪个值？）",
    ),
    (
        "aliases (`*name`) expand the document by more than {limit} values; write the values out instead of "
        "referring to them",
        "别名（`*name`）使文档展开超过 {limit} 个值；请直接写出这些值，不要引用",
    ),
    ("an alias refers to the value that contains it", "别名引用了包含它的值"),
    ("the data is nested too deeply to be unit data", "数据嵌套太深，不像单位数据"),
    ("nested too deeply", "嵌套太深"),
    ("invalid JSON: {detail}", "JSON 无效：{detail}"),
    ("invalid YAML: {detail}", "YAML 无效：{detail}"),
    (
        "a `\\u` escape that is half of a character; write the character itself",
        "`\\u` 转义只是半个字符；请直接写出这个字符",
    ),
    ("is not UTF-8 text", "不是 UTF-8 文本"),
    ("is a named pipe (FIFO), not a regular file", "是命名管道（FIFO），不是普通文件"),
    ("a line longer than 1 MB", "一行超过 1 MB"),
    (
        "unknown data format `{suffix}`; use .yaml, .yml, .json, .jsonl, .csv or .xlsx",
        "未知的数据格式 `{suffix}`；请用 .yaml、.yml、.json、.jsonl、.csv 或 .xlsx",
    ),
    ("cannot stream `{suffix}` data; use .jsonl or .csv", "不能流式读取 `{suffix}` 数据；请用 .jsonl 或 .csv"),
    (
        "this policy cannot be streamed: {reason:t}; evaluate the units in memory instead",
        "这个考核办法不能流式评估：{reason}；请改为在内存中评估各单位",
    ),
    (
        "`{name}` compares each unit with its whole class (a peer function)",
        "`{name}` 把每个单位与其整个类别比较（同类函数）",
    ),
    (
        "`{name}` scores a missing value as the class average (`missing peer_avg`)",
        "`{name}` 把缺报值按同类平均计分（`missing peer_avg`）",
    ),
    # CSV and workbooks
    (
        "{cells} cells, but the header has {header}: an unquoted comma (1,000) splits a value in two; put the "
        "value in quotation marks or write it without the comma",
        "有 {cells} 个单元格，而表头只有 {header} 个：未加引号的逗号（1,000）把一个值拆成了两个；请给值加引号，或去掉逗号",
    ),
    (
        "`{text}`: a comma is read only as a thousands separator (1,200 or 1,234,567.5); write the number without "
        "it (a decimal point is `.`)",
        "`{text}`：逗号只作千位分隔符（1,200 或 1,234,567.5）；请不带逗号写这个数（小数点是 `.`）",
    ),
    ("`{text}` is not a finite number", "`{text}` 不是有限的数"),
    ("`{text}` is not a number Excel can hold", "`{text}` 不是 Excel 能存放的数"),
    ("`{text}` is under no column header", "`{text}` 不在任何列标题之下"),
    (
        "`{text}` is under no column header: give the column its field path in the header row, or clear the cell",
        "`{text}` 不在任何列标题之下：请在表头行给这一列写上字段路径，或清空这个单元格",
    ),
    ("`{date}` is not a day of the calendar: {why:t}", "`{date}` 不是日历上的日子：{why}"),
    ("`{date}` (line {line}) is not a day of the calendar: {why:t}", "`{date}`（第 {line} 行）不是日历上的日子：{why}"),
    ("there is no day 0", "没有 0 日"),
    ("there is no month {month}", "没有 {month} 月"),
    ("{month:t} {year} has {days} days", "{year} 年 {month}有 {days} 天"),
    ("January", "1 月"),
    ("February", "2 月"),
    ("March", "3 月"),
    ("April", "4 月"),
    ("May", "5 月"),
    ("June", "6 月"),
    ("July", "7 月"),
    ("August", "8 月"),
    ("September", "9 月"),
    ("October", "10 月"),
    ("November", "11 月"),
    ("December", "12 月"),
    (
        "`{field}` holds Excel's error value {value} (a formula that failed, or a value pasted from one), not a value: "
        "correct the formula, or type the value",
        "`{field}` 是 Excel 的错误值 {value}（公式出错，或从出错的公式粘贴而来），不是数值：请改正公式，或直接输入数值",
    ),
    (
        "a column headed by Excel's error value {value}: give it its field path",
        "一列的标题是 Excel 的错误值 {value}：请写上它的字段路径",
    ),
    (
        "`{path}` in the workbook is damaged XML ({detail})",
        "工作簿中的 `{path}` 是损坏的 XML（{detail}）",
    ),
    (
        "`{text}` is a note or a total, not a unit's id: delete the row (or keep notes on another sheet)",
        "`{text}` 是备注或合计，不是单位编号：请删去这一行（或把备注放在另一个工作表）",
    ),
    (
        "`{text}` is a number too long to be an id (Excel shows long numbers so, and drops digits after the 15th): "
        "format the column as Text and type the id again",
        "`{text}` 是过长的数，不能作编号（Excel 这样显示长数字，并丢掉第 15 位之后的数字）：请把这一列设为文本格式后重新输入编号",
    ),
    ("a cell longer than 128 KB: is a quotation mark left open?", "单元格超过 128 KB：是不是有引号没有闭合？"),
    (
        "a formula with no calculated value; open and save the workbook in Excel so its values are stored",
        "公式没有计算结果；请在 Excel 中打开并保存工作簿，使其存下数值",
    ),
    ("a header of more than {count} columns", "表头超过 {count} 列"),
    ("a number with more than 40 characters", "数的长度超过 40 个字符"),
    (
        "a row with {cells} but no id: a total or a note? give the unit's id, or delete the row",
        "一行有 {cells} 却没有编号：是合计还是备注？请给出单位编号，或删去这一行",
    ),
    ("column `{column}` appears twice", "`{column}` 列出现了两次"),
    (
        "column `{column}`: each part between dots is a name or a position from 1 (`项目.1.done`)",
        "`{column}` 列：点号之间的每一部分是名称或从 1 起的序号（`项目.1.done`）",
    ),
    (
        "columns `{outer}` and `{inner}` cannot both hold values: `{inside}` is inside `{container}`",
        "`{outer}` 列和 `{inner}` 列不能都有值：`{inside}` 在 `{container}` 之内",
    ),
    ("columns `{first}` and `{second}` name the same value", "`{first}` 列和 `{second}` 列指的是同一个值"),
    (
        "more than {count} cells hold values: more than unit data can need",
        "超过 {count} 个单元格有值：超出单位数据所需",
    ),
    ("no `class` column", "没有 `class` 列"),
    (
        "no row of field paths ({paths}, …) heads this sheet: if it holds units, copy the template's row 1 above "
        "them; if not, delete the sheet or keep it in another workbook",
        "这个工作表的开头没有字段路径行（{paths}，…）：若其中是单位，请把模板的第 1 行复制到它们上面；若不是，请删去这个工作表或放到另一个工作簿",
    ),
    (
        "this row holds the display names ({names}, …), but the row of field paths ({paths}, …) that goes above it is "
        "missing: copy row 1 of the template back",
        "这一行是显示名称（{names}，…），但它上面应有的字段路径行（{paths}，…）缺失：请把模板的第 1 行复制回来",
    ),
    (
        "this row holds the field paths, but rows above it hold something else (a title?): delete the rows above, so "
        "that the field paths come first",
        "这一行是字段路径，但它上面的行另有内容（标题？）：请删去上面的行，让字段路径在最前",
    ),
    (
        "sheet {sheet}, cell {cell}: the class column says `{said}`, but the row is on sheet {sheet}, which is the "
        "class {unit_class}: move the row to its class's sheet, or correct the class",
        "工作表 {sheet} 的 {cell} 单元格：类别列写的是 `{said}`，但这一行在工作表 {sheet} 上，即类别 {unit_class}：请把这一行移到其类别的工作表，或改正类别",
    ),
    ("sheet {sheet}: a cell named `{cell}`", "工作表 {sheet}：有名为 `{cell}` 的单元格"),
    ("sheet {sheet}: cell {cell} is written twice", "工作表 {sheet}：{cell} 单元格写了两次"),
    (
        "the cell shows {shown}, but `{field}` is {kind:t}, not a percentage: type the value itself ({value}) in a "
        "cell without the % format",
        "单元格显示 {shown}，但 `{field}` 是{kind}，不是百分比：请在不带 % 格式的单元格中直接输入数值（{value}）",
    ),
    (
        "the cell shows {shown}, but this is not a percentage: type the value itself in a cell without the % format",
        "单元格显示 {shown}，但这不是百分比：请在不带 % 格式的单元格中直接输入数值",
    ),
    (
        "every one of its {count:d} values is a bare number from -1 to 1 (unit {unit}: {value:n}), yet the policy "
        "compares it with percentages above 1 % ({constants}): a fraction (0.085 for 8.5 %) is read as that percent "
        "(0.085 %); write percentages as the percent, 8.5 or 8.5%, and one truly below 1 % with its sign, 0.085%",
        "它的 {count} 个值全是 -1 到 1 之间不带 % 号的数（单位 {unit}：{value}），而考核办法把它与高于 1% 的百分数相比"
        "（{constants}）：小数形式（8.5% 写成 0.085）会被读成同样数值的百分数（0.085%）；百分数请写百分数本身，"
        "8.5 或 8.5%，确实低于 1% 的请带上 % 号，如 0.085%",
    ),
    (
        "every one of its {count:d} values is a number from -1 to 1 (unit {unit}: {value:n}), yet it is a score "
        "out of {scale:n}: a fraction (0.95 for 95 %) is read as that many points out of {scale}; write it out "
        "of {scale}",
        "它的 {count} 个值全是 -1 到 1 之间的数（单位 {unit}：{value}），而它是满分 {scale} 的得分：小数形式"
        "（95% 写成 0.95）会被读成满分 {scale} 中的 0.95 分；请按满分 {scale} 填写",
    ),
    (
        "every one of its {count:d} values is a bare number from -1 to 1 (unit {unit}: {value:n}), yet `{other}` "
        "gives percentages above 1 %: a fraction (0.085 for 8.5 %) is read as that percent (0.085 %); write "
        "percentages as the percent, 8.5 or 8.5%, and one truly below 1 % with its sign, 0.085%",
        "它的 {count} 个值全是 -1 到 1 之间不带 % 号的数（单位 {unit}：{value}），而 `{other}` 给出的百分数高于 1%："
        "小数形式（8.5% 写成 0.085）会被读成同样数值的百分数（0.085%）；百分数请写百分数本身，8.5 或 8.5%，"
        "确实低于 1% 的请带上 % 号，如 0.085%",
    ),
    ("a count", "个数"),
    ("true or false", "是否值"),
    ("an amount of money", "金额"),
    (
        "the columns are separated by `{separator}`, not commas: save the file as “CSV UTF-8 (comma delimited)”",
        "各列用 `{separator}` 而不是逗号分隔：请把文件存为“CSV UTF-8（逗号分隔）”",
    ),
    (
        "the columns are separated by tab, not commas: save the file as “CSV UTF-8 (comma delimited)”",
        "各列用制表符而不是逗号分隔：请把文件存为“CSV UTF-8（逗号分隔）”",
    ),
    (
        "the sheet is {state} and holds rows of units nobody sees: unhide it (right-click a sheet tab, Unhide) to "
        "check them, or delete it",
        "工作表被隐藏（{state}），其中有谁都看不到的单位行：请取消隐藏（右击工作表标签，取消隐藏）后核对，或删去它",
    ),
    (
        "the workbook inflates to {size}, more than unit data can need ({limit}); save the sheets with data in a new "
        "workbook",
        "工作簿解压后达 {size}，超出单位数据所需（{limit}）；请把有数据的工作表另存为新工作簿",
    ),
    (
        "the workbook's XML declares a document type (entities): Excel never writes one",
        "工作簿的 XML 声明了文档类型（实体）：Excel 从不写这个",
    ),
    (
        "this file is UTF-16 text (Excel's “Unicode Text”): save it as “CSV UTF-8” instead",
        "这个文件是 UTF-16 文本（Excel 的“Unicode 文本”）：请改存为“CSV UTF-8”",
    ),
    (
        "this file is a PDF: unit data cannot be read from it; give the workbook or CSV file it was made from",
        "这个文件是 PDF：无法从中读取单位数据；请给出生成它的工作簿或 CSV 文件",
    ),
    (
        "this file is a web page or XML file, not a workbook (an export from a web system?): open it in Excel or WPS "
        "and save it as an Excel Workbook (.xlsx)",
        "这个文件是网页或 XML 文件，不是工作簿（从网上系统导出的？）：请用 Excel 或 WPS 打开并另存为 Excel 工作簿（.xlsx）",
    ),
    (
        "this file is a zip archive (an Excel workbook?), not {suffix}: give the workbook its name .xlsx",
        "这个文件是 ZIP 压缩包（Excel 工作簿？），不是 {suffix}：请把工作簿命名为 .xlsx",
    ),
    (
        "this file is an Excel workbook protected by a password: remove the password (File, Info) and save it as .xlsx",
        "这个文件是有密码保护的 Excel 工作簿：请去掉密码（文件 > 信息）后另存为 .xlsx",
    ),
    (
        "this file is an Excel workbook, not {suffix}: name it .xlsx (or open it in Excel or WPS and save it as an Excel "
        "Workbook (.xlsx))",
        "这个文件是 Excel 工作簿，不是 {suffix}：请命名为 .xlsx（或用 Excel 或 WPS 打开并另存为 Excel 工作簿（.xlsx））",
    ),
    (
        "this file is an old Excel 97–2003 workbook (.xls) or a WPS spreadsheet (.et): open it in Excel or WPS and "
        "save it as an Excel Workbook (.xlsx)",
        "这个文件是旧的 Excel 97–2003 工作簿（.xls）或 WPS 表格（.et）：请用 Excel 或 WPS 打开并另存为 Excel 工作簿（.xlsx）",
    ),
    (
        "this file is empty (0 bytes), not a workbook: save the workbook again, or send it again",
        "这个文件是空的（0 字节），不是工作簿：请重新保存或重新发送工作簿",
    ),
    (
        "this file is not an Excel workbook (a text file renamed .xlsx?): open it in Excel or WPS and save it as an "
        "Excel Workbook (.xlsx)",
        "这个文件不是 Excel 工作簿（改名为 .xlsx 的文本文件？）：请用 Excel 或 WPS 打开并另存为 Excel 工作簿（.xlsx）",
    ),
    # the carry-over ledger
    (
        "{date} cannot be an award of the ledger's year {year}: late awards are dated in {year} or {next}",
        "{date} 不可能是台账年度 {year} 的奖项：迟到的奖项日期在 {year} 或 {next} 年",
    ),
    ("an award is carried in for this unit, which is not in the data", "为这个单位结转了奖项，但数据中没有这个单位"),
    (
        "an award is carried in under bonus `{bonus}`, which does not apply to class {unit_class}",
        "以加分 `{bonus}` 结转了奖项，但它不适用于类别 {unit_class}",
    ),
    (
        "the award {name} of {date} is also carried in from last year's ledger: list it in one of them",
        "{date} 的奖项 {name} 也从去年的台账结转进来了：请只在其中一处列出",
    ),
    # periods
    (
        "this period has no weight in the policy; its weighted periods are {periods}",
        "考核办法没有给这个考核期权重；有权重的考核期是 {periods}",
    ),
    ("no data given for this weighted period", "这个有权重的考核期没有给出数据"),
    ("the policy gives its periods no weights", "考核办法没有给考核期权重"),
    ("the unit has no data for this period", "这个单位在本考核期没有数据"),
    # weights per indicator
    (
        "the policy weights measures over its periods, not their totals: `evaluate_over_periods` gives the year's result",
        "考核办法按考核期加权的是部分指标，不是总分：`evaluate_over_periods` 给出全年结果",
    ),
    ("the policy weights no measures over its periods (`for …`)", "考核办法没有按考核期加权的指标（`for …`）"),
    (
        "the unit is in the data of {period} but not of {last}: a unit must be in every period",
        "这个单位在 {period} 的数据中，却不在 {last} 中：每个单位都必须出现在每个考核期",
    ),
    (
        "the unit is in class {here} here but in {there} in {last}: it is ranked within one class",
        "这个单位在这里属于类别 {here}，在 {last} 中却属于 {there}：排名只能在一个类别之内",
    ),
    (
        "`{section}` are decided on the last period's data alone; leave them out of this period's",
        "`{section}` 只按最后一个考核期的数据评定；请从本考核期的数据中删去",
    ),
    (
        "`{name}` is not weighted over the periods: it is scored on the last period's data alone; "
        "leave it out of this period's",
        "`{name}` 不按考核期加权：只按最后一个考核期的数据计分；请从本考核期的数据中删去",
    ),
    (
        "the unit is in the data of {period} but not of this period: a unit must be in every period",
        "这个单位在 {period} 的数据中，却不在本考核期中：每个单位都必须出现在每个考核期",
    ),
    (
        "the unit is in class {here} here but in {there} in {period}: it is ranked within one class",
        "这个单位在这里属于类别 {here}，在 {period} 中却属于 {there}：排名只能在一个类别之内",
    ),
    # -- issue 14, inputs: words, constraints, functions
    (
        "expected one of the words of `{name}` ({words}), found {found:t}",
        "此处应为 `{name}` 的可选词之一（{words}），却是{found}",
    ),
    (
        "the data do not meet `{condition}` (line {line}): {values}",
        "数据不满足 `{condition}`（第 {line} 行）：{values}",
    ),
    (
        "`{condition}` (line {line}) cannot be decided ({reason}): {values}",
        "无法判断 `{condition}`（第 {line} 行）是否满足（{reason}）：{values}",
    ),
)

# record.*: a result record that `verify` cannot read
RECORDS: tuple[tuple[str, str], ...] = (
    ("the record {reason:t}", "结果记录{reason}"),
    ("the record is not UTF-8 text (byte {byte:d})", "结果记录不是 UTF-8 文本（第 {byte} 字节）"),
    ("the record is not valid JSON: {detail:t}", "结果记录不是有效的 JSON：{detail}"),
    ("the key `{key}` appears twice in one object", "同一个对象中键 `{key}` 出现了两次"),
    ("`{name}` is not a JSON number", "`{name}` 不是 JSON 数值"),
    # the JSON reader's own words (`Expecting value`) are not said again: where is what a reader needs
    (
        "the record is not valid JSON: {detail} at line {line:d}, column {column:d}",
        "结果记录不是有效的 JSON：第 {line} 行第 {column} 列有误",
    ),
    (
        "records are written by `targetdsl evaluate --record`; write it again",
        "结果记录由 `targetdsl evaluate --record` 写出；请重新写出",
    ),
    (
        "records are written by `targetdsl evaluate --record`; do not edit them by hand",
        "结果记录由 `targetdsl evaluate --record` 写出；请勿手工修改",
    ),
    ("records are written by `targetdsl evaluate --record`", "结果记录由 `targetdsl evaluate --record` 写出"),
    ("the record must be a JSON object, not {kind:t}", "结果记录必须是 JSON 对象，而不是{kind}"),
    ("field `{field}` {problem:t}", "字段 `{field}` {problem}"),
    ("is missing", "缺失"),
    ("must be {wanted:t}, not {kind:t}", "必须是{wanted}，而不是{kind}"),
    ("must be a SHA-256: 64 lowercase hexadecimal digits", "必须是 SHA-256：64 位小写十六进制数字"),
    ("must name a file", "必须给出文件名"),
    ("a whole number", "整数"),
    ("a string", "字符串"),
    ("an object", "对象"),
)

# evaluation problems (interpreter, generated code, measures, engine): where, and what failed
EVALUATION: tuple[tuple[str, str], ...] = (
    ("total", "总分"),
    ("coefficient {name}", "系数 {name}"),
    ("deduction {name}", "扣分 {name}"),
    ("veto {name}", "一票否决 {name}"),
    ("award {name}", "奖励 {name}"),
    ("commendation {name}", "嘉奖 {name}"),
    # what an assumption belongs to (`check`, the report): a measure by its kind, or a rule
    ("indicator {name}", "指标 {name}"),
    ("items {name}", "事项 {name}"),
    ("assessed {name}", "评议 {name}"),
    ("subitem {name}", "子项 {name}"),
    ("`{name}` has no value", "`{name}` 没有值"),
    ("the expression on line {line}", "第 {line} 行的表达式"),
    ("division by zero in {what:t}", "{what}中除以零"),
    ("division by zero: {what:t} is 0", "除以零：{what}为 0"),
    ("the arithmetic in {what:t} has no finite result", "{what}的运算没有有限的结果"),
    ("expected a number, got {value}", "此处应为数，却是 {value}"),
    ("expected true or false, got {value}", "此处应为 true 或 false，却是 {value}"),
    ("cannot compare a date with a number", "不能把日期与数比较"),
    ("`{op}` needs numbers", "`{op}` 需要数"),
    ("`{function}` needs the unit's class, which is not available here", "`{function}` 需要单位所在的类别，但此处没有"),
    ("no unit in the class has a value for {what:t}", "本类别中没有单位有{what}的值"),
    (
        "the values of {what:t} in the class are too far apart in size to average",
        "本类别中{what}的值大小相差太远，无法平均",
    ),
    ("no band matched", "没有匹配的分档"),
    ("the class's scores are too far apart in size to average", "本类别的得分大小相差太远，无法平均"),
    ("expected a number in `tally`", "`tally` 中应为数"),
    ("a tally counts whole items, at least 0; got {value}", "完成项数按整项计，不小于 0；却是 {value}"),
    (
        "a tally cannot count more items done ({done}) than there are ({total})",
        "完成项数（{done}）不能多于事项总数（{total}）",
    ),
    (
        "the {what:t} {value} is outside the range of plausible values (below 10¹⁶ in size)",
        "{what} {value} 超出合理取值范围（绝对值应小于 10¹⁶）",
    ),
    (
        "the {what:t} {value} is outside the range of plausible values (below 10¹⁶ in size): check this unit's inputs",
        "{what} {value} 超出合理取值范围（绝对值应小于 10¹⁶）：请检查本单位的填报数据",
    ),
    (
        "the score {value:n} is more than twice its {points:n} points, and the formula sets no upper bound: check "
        "this unit's inputs, or cap the formula (`min(…, points)`, `points * min(actual / target, 120%)`)",
        "得分 {value} 超过其分值 {points} 的两倍，而计分公式没有上限：请检查本单位的填报数据，或给公式设上限"
        "（`min(…, points)`、`points * min(actual / target, 120%)`）",
    ),
    ("value", "值"),
    ("score", "得分"),
    ("count", "计数"),
    ("item {index:d}: {problem:t}", "事项 {index}：{problem}"),
    ("item {index:d} ({name}): {problem:t}", "事项 {index}（{name}）：{problem}"),
    ("sub-item {name}: {problem:t}", "子项 {name}：{problem}"),
    (
        "item {index}: `{name}` is missing, and a peer average is not defined for individual items",
        "事项 {index}：缺少 `{name}`，而单个事项没有同类平均",
    ),
    ("{value} is negative, and the formula divides by `{name}`", "{value} 是负数，而公式要除以 `{name}`"),
    (
        "adjustment item `{name}` scored {value}, but no weighted measure of category `{category}` applies to "
        "the unit: the adjustment has no subtotal to be added to",
        "加扣分项 `{name}` 得 {value} 分，但考核内容 `{category}` 没有适用于本单位的计权指标：加扣分无小计可加",
    ),
)

# Outputs: the words of explanations (trace steps and their notes, written in engine.py, measures.py
# and interpreter.py), grade reasons, veto effects, and the command line's tables and summaries. A
# trace step's wording is written in English where it is recorded and put into the reader's language
# when it is shown (explain.py); a new step needs only its line here (tests/unit/test_outputs_zh.py
# fails for a wording without one).
OUTPUTS: tuple[tuple[str, str], ...] = (
    # explanations: the lines above the steps
    ("{name} ({id}), class {unit_class}", "{name}（{id}），类别 {unit_class}"),
    (
        "total {total}, grade {grade}, rank {rank} of {size}",
        "总分 {total}，等次 {grade}，第 {rank} 名（共 {size} 个单位）",
    ),
    ("vetoed: {vetoes}", "一票否决：{vetoes}"),
    ("{veto} ({effects:l}) at {rule}", "{veto}（{effects}），规则见 {rule}"),
    ("raw total before the veto: {total}", "否决前原总分：{total}"),
    ("inputs: {inputs}", "填报数据：{inputs}"),
    # veto effects (nodes.effect_words)
    ("grade {grade}", "等次定为{grade}"),
    ("cap grade {grade}", "等次最高为{grade}"),
    ("no award", "不得获奖"),
    ("zero score", "总分计零"),
    # the engine's steps
    ("category {name}", "考核内容 {name}"),
    ("no applicable measure", "没有适用的指标"),
    ("{how:t} × coefficient {factor}", "{how} × 系数 {factor}"),
    ("{how:t} + adjustments {adjustment}", "{how} + 加扣分 {adjustment}"),
    ("({how:t} + adjustments {adjustment})", "（{how} + 加扣分 {adjustment}）"),
    ("adjustment {value}", "加扣分 {value}"),
    ("reweighted for categories that do not apply", "按适用的考核内容折算"),
    ("coefficient on the total", "总分系数"),
    ("bonus {name}", "加分 {name}"),
    ("counted: {award}", "计入：{award}"),
    ("counted: {award} — carried in from last year", "计入：{award}——上年度结转"),
    ("counted: {award}: {points} points carried in from last year", "计入：{award}：上年度结转 {points} 分"),
    ("{award}: {points} points carried in from last year", "{award}：上年度结转 {points} 分"),
    ("carried to next year: {award}", "结转下一年度：{award}"),
    ("{raw} + bonus {bonus} − deductions {deductions}", "{raw} + 加分 {bonus} − 扣分 {deductions}"),
    ("reported total", "公布总分"),
    ("a veto zeroes the score; raw total {total} is kept", "一票否决使总分计零；原总分 {total} 保留备查"),
    ("rank in class", "类别内名次"),
    ("rank in ranking", "统一排序名次"),
    ("ranking {ranking}: classes {classes}", "统一排序 {ranking}：类别 {classes}"),
    ("grade", "等次"),
    ("not eligible (line {line:d})", "不符合享受条件（第 {line} 行）"),
    ("a veto withholds the award", "一票否决，不得获奖"),
    ("reduced by {percent}% (line {line:d})", "下浮 {percent}%（第 {line} 行）"),
    ("yes", "是"),
    ("no", "否"),
    # grade reasons, clause by clause (joined by "; ")
    ("total {total} is in band {band:t}", "总分 {total} 属{band}"),
    ("{grade} (otherwise)", "{grade}档（其余）"),
    ("{grade:w} ({op:w} {bound:n})", "{grade}档（{op} {bound}）"),
    ("{grade:w} [{low:n}, {high:n})", "{grade}档 [{low}, {high})"),
    ("veto {name} forces {grade}", "一票否决 {name} 将等次定为{grade}"),
    ("class {name} is not graded", "类别 {name} 不定等次"),
    ("veto {name} caps the grade at {grade}", "一票否决 {name} 使等次最高为{grade}"),
    (
        "a veto withholds the award, so it takes no place in the {grade} quota and gets {below}",
        "一票否决不得获奖，不占{grade}名额，评为{below}",
    ),
    (
        "{grade} is limited to {quota}% of {size} units = {allowed:d}, so ranked below the quota it gets {below}",
        "{grade}名额限 {quota}%，{size} 个单位中为 {allowed} 个，名次在名额之外，评为{below}",
    ),
    (
        "{grade} is limited to {quota}% of {size} units = {share:d}, at least {allowed:d}, "
        "so ranked below the quota it gets {below}",
        "{grade}名额限 {quota}%，{size} 个单位中为 {share} 个，至少 {allowed} 个，名次在名额之外，评为{below}",
    ),
    (
        "{grade} is limited to {allowed:d} units, so ranked below the quota it gets {below}",
        "{grade}名额限 {allowed} 个，名次在名额之外，评为{below}",
    ),
    ("the policy declares no grades", "考核办法未设等次"),
    # the measures' steps
    ("{earned:n} of {points:n}", "{earned}（满分 {points}）"),
    ("not applicable", "不适用"),
    ("not scored: the score is given", "不计分：已给定分数"),
    ("score given by {assessor}: {score} of 100", "{assessor}给定分数：{score}（满分 100）"),
    ("no applicable sub-item", "没有适用的子项"),
    ("no applicable items", "没有适用的事项"),
    ("no items listed: not applicable (`missing na`)", "未列出事项：不适用（缺报规则为不适用）"),
    ("no sub-items to count", "没有可计数的子项"),
    (
        "pooled: {completed} of {counted} sub-items done across the items, scaled to {points}",
        "合并计分：全部事项共 {counted} 个子项，完成 {completed} 个，折算为满分 {points}",
    ),
    ("{completed} of {counted} sub-items done", "{counted} 个子项完成 {completed} 个"),
    (
        "items {earned} of {available}, scaled to {points}",
        "各事项合计 {earned}（满分 {available}），折算为满分 {points}",
    ),
    (
        "sum of sub-items {earned} of {points}, scaled to {total}",
        "子项合计 {earned}（满分 {points}），折算为满分 {total}",
    ),
    (
        "{name} pro-rated to the period: {value} × {months:d}/12 = {result}",
        "{name} 按进度折算：{value} × {months}/12 = {result}",
    ),
    (
        "{name} not pro-rated: {level} is true (a level keeps its value)",
        "{name} 不按进度折算：{level} 为是（水平类指标保持原值）",
    ),
    ("not applicable: `{name}` is missing", "不适用：缺少 `{name}`"),
    ("weighted over the periods: {terms} = {earned}", "按考核期加权：{terms} = {earned}"),
    ("not applicable in any period", "各考核期均不适用"),
    (
        "not applicable in {periods}: divided by the weights of the others, {weights}%",
        "{periods} 不适用：除以其余考核期的权重之和 {weights}%",
    ),
    ("`{name}` is missing: scored the class average", "缺少 `{name}`：按同类平均计分"),
    ("`{name}` is missing", "缺少 `{name}`"),
    ("counted as one item, completed: full marks", "按一项计，已完成：满分"),
    (
        "counted as one item, not completed: the given score is below 100",
        "按一项计，未完成：给定分数低于 100",
    ),
    ("dropped the highest ({high}) and the lowest ({low})", "去掉最高分（{high}）和最低分（{low}）"),
    ("valid ballots: {ballots}", "有效票：{ballots}"),
    ("{valid:d} valid ballots, {invalid:d} invalid", "有效票 {valid} 张，废票 {invalid} 张"),
    (
        "kept the highest and the lowest: {count:d} scores, not more than {above}",
        "保留最高分和最低分：{count} 个分数，未超过 {above} 个",
    ),
    ("no assessor scores", "没有评议分"),
    ("weighted mean {mean} of {scale}", "加权平均 {mean}（满分 {scale}）"),
    ("no unit in the class has a value: not applicable", "本类别没有单位有值：不适用"),
    ("class average of {count:d} units: {average}", "本类别 {count} 个单位的平均：{average}"),
    ("{name} = {value}", "{name} = {value}"),
    ("missing", "缺失"),
    ("true", "是"),
    ("false", "否"),
    # `targetdsl test`: its report, and the decision points of coverage (cover.py)
    ("PASS", "通过"),
    ("FAIL", "未通过"),
    ("ERROR", "出错"),
    ("why:", "原因："),
    ("{passed:d} passed, {failed:d} failed", "{passed} 项通过，{failed} 项未通过"),
    ("the policy has errors:", "考核办法有错误："),
    ("the data cannot be evaluated:", "数据无法评估："),
    ("the test file {reason:t}", "测试文件{reason}"),
    ("the test file is not UTF-8 text; save it as UTF-8", "测试文件不是 UTF-8 文本；请存为 UTF-8"),
    ("not a test file: {detail}", "不是测试文件：{detail}"),
    ("a unit", "一个单位"),
    ("no such unit in the data", "数据中没有这个单位"),
    ("no such row", "没有这一行"),
    ("no such indicator for this unit", "本单位没有这个指标"),
    ("no error: the data evaluated", "没有错误：数据评估成功"),
    ("expected a number in the test, written with digits and a point", "测试中此处应为数，用数字和小数点书写"),
    ("expected a number in the test", "测试中此处应为数"),
    ("unknown field; expected one of {fields}", "未知的字段；应为 {fields} 之一"),
    (
        "coverage: {covered:d} of {total:d} decision points ({percent}%)",
        "覆盖率：{total} 个判定点中覆盖 {covered} 个（{percent}%）",
    ),
    ("not exercised by any test:", "没有测试覆盖的判定点："),
    ("if: then", "如果：成立"),
    ("if: else", "如果：不成立"),
    ("band {index:d}", "第 {index} 档"),
    ("band otherwise", "其余档"),
    ("{kind:t} {name} scored", "{kind} {name} 计分"),
    ("subitem {name} scored", "子项 {name} 计分"),
    ("veto {name} fired", "一票否决 {name} 触发"),
    ("veto {name} did not fire", "一票否决 {name} 未触发"),
    ("award level {name} counted", "奖项级别 {name} 计入"),
    ("bonus {name}: award carried over", "加分 {name}：奖项结转"),
    ("award {name} paid", "奖励 {name} 发放"),
    ("reduction applied", "下浮适用"),
    ("not eligible", "不符合享受条件"),
    ("commendation {name} given", "嘉奖 {name} 授予"),
    ("grade {name} given", "等次 {name} 评定"),
    ("grade {name}: quota applied", "等次 {name}：名额限制适用"),
    # `targetdsl diff`: groups, what changed, how, and where (diff.py)
    ("{old} → {new}: no semantic change", "{old} → {new}：含义没有变化"),
    ("{old} → {new}: {count:d} changes", "{old} → {new}：{count} 处变化"),
    ("{old} → {new}: 1 change", "{old} → {new}：1 处变化"),
    ("policy header", "考核办法头部"),
    ("class {name}", "类别 {name}"),
    ("assessor {name}", "评议方 {name}"),
    ("input {name}", "填报 {name}"),
    ("const {name}", "常量 {name}"),
    ("grade {name}", "等次 {name}"),
    ("period {name}", "考核期 {name}"),
    ("periods for", "按考核期加权的指标"),
    ("level {name}", "级别 {name}"),
    ("title", "标题"),
    ("year", "年度"),
    ("status", "状态"),
    ("scale", "满分"),
    ("rounding", "舍入"),
    ("source", "依据"),
    ("label", "标签"),
    ("kind", "种类"),
    ("points", "分值"),
    ("classes", "适用类别"),
    ("pooled", "合并计分"),
    ("item by item", "逐项计分"),
    ("award level `{name}`", "奖项级别 `{name}`"),
    ("award money for {grade}", "{grade}的奖金"),
    ("renamed", "改名"),
    ("moved", "移动"),
    ("now {at}", "现在 {at}"),
    ("was {at}", "原在 {at}"),
    ("not in {at}", "不在 {at}"),
    ("{prefix:t} sub-item `{name}`", "{prefix} 子项 `{name}`"),
    ("{what:t} for {grade:w}", "{grade}的{what}"),
    ("let", "中间值"),
    ("award level", "奖项级别"),
    ("sub-item", "子项"),
    ("reduction", "下浮"),
    ("award money", "奖金"),
    ("scoring formula", "计分公式"),
    ("completed when", "完成条件"),
    ("tally", "完成项数"),
    ("given scores", "采信分数"),
    ("drop extremes", "去极值"),
    (
        "each unit lists its own ballots, each a score or invalid (民主测评)",
        "各单位列出自己的评分票，每张是一个分数或废票（民主测评）",
    ),
    ("no notes on standard error", "标准错误上不显示说明"),
    ("the returned workbooks", "各单位交回的工作簿"),
    (
        "drop the extremes only when more than this many scores are counted",
        "计入的评分多于这个数时才去掉最高分和最低分",
    ),
    ("assessor scale", "评议满分"),
    ("condition", "条件"),
    ("effect", "处理"),
    ("cap", "封顶"),
    ("carry-over", "结转"),
    ("amount", "扣减"),
    ("eligibility", "享受条件"),
    ("factor", "系数值"),
    ("applies to", "作用于"),
    # the impact of a new policy on the units (impact.py)
    (
        "impact on {count:d} units: {gains:d} gain, {losses:d} lose, {same:d} unchanged; {grades:d} change grade",
        "对 {count} 个单位的影响：{gains} 个得分增加，{losses} 个减少，{same} 个不变；{grades} 个等次改变",
    ),
    (
        "{unit_class}: {count:d} units, mean change {mean}, {gains:d} gain, {losses:d} lose",
        "{unit_class}：{count} 个单位，平均变化 {mean}，{gains} 个增加，{losses} 个减少",
    ),
    ("enter {grade}: {names}", "新进入{grade}：{names}"),
    ("leave {grade}: {names}", "退出{grade}：{names}"),
    (
        "data {policy:t} does not declare (ignored for it): {count:d} values, e.g.",
        "{policy}未声明的数据（对它不起作用）：{count} 个值，例如",
    ),
    ("the old policy", "旧办法"),
    ("the new policy", "新办法"),
    # `targetdsl verify`: what differs from a record (api.verify_record, record.differences)
    ("unknown record version {version}", "未知的记录版本 {version}"),
    ("the allowed directory `{path}` {reason:t}", "允许的目录 `{path}` {reason}"),
    ("{path}: lies outside the allowed directory `{root}`", "{path}：不在允许的目录 `{root}` 之内"),
    ("{path}: missing", "{path}：缺失"),
    (
        "{path}: changed since the record was written (no longer UTF-8 text)",
        "{path}：记录写出后已改动（不再是 UTF-8 文本）",
    ),
    ("{path}: changed since the record was written (SHA-256 differs)", "{path}：记录写出后已改动（SHA-256 不同）"),
    ("the recorded evaluation no longer runs: {problem:t}", "记录的评估已无法重现：{problem}"),
    (
        "the effective policy differs from the recorded one (canonical SHA-256 differs)",
        "生效的考核办法与记录的不同（规范文本的 SHA-256 不同）",
    ),
    (
        "the recorded result does not match the record's own SHA-256: the record was edited",
        "记录的结果与记录自身的 SHA-256 不符：记录被改动过",
    ),
    ("the result differs from the recorded one:", "结果与记录的不同："),
    ("{where}: recorded, now missing", "{where}：原有记录，现在没有"),
    ("{where}: not recorded, now present", "{where}：原无记录，现在出现"),
    ("{where}: {recorded:d} entries recorded, {now:d} now", "{where}：记录了 {recorded} 项，现在 {now} 项"),
    # `targetdsl periods`: the weighted combination (periods.py)
    ("weighted", "加权得分"),
    # `targetdsl plan`: the frame of the plan (plan.py), then what each quantity is (its kind, before the
    # `: ` of an expression: lowering.py) and who takes it, and why a faster evaluator declines it (plan.py,
    # kernel.py, measures.py); the policy's own words in them are in the file's keywords
    ("plan of {title}, the whole year", "{title} 的评估计划，全年"),
    ("plan of {title}, period {period}", "{title} 的评估计划，考核期 {period}"),
    ("class {name}: {count:d} pass over the units", "类别 {name}：对各单位 {count} 遍"),
    ("class {name}: {count:d} passes over the units", "类别 {name}：对各单位 {count} 遍"),
    ("pass {index:d} (per unit)", "第 {index} 遍（逐单位）"),
    ("settle {index:d} (over the whole class)", "第 {index} 次汇总（全类别）"),
    ("argument", "参数"),
    ("statistic", "统计量"),
    ("completion", "完成情况"),
    ("limit", "合计封顶"),
    ("reported", "报告得分"),
    ("rank", "名次"),
    ("completion table", "完成情况表"),
    ("data", "数据"),
    ("kernel", "内核"),
    ("generated expressions", "逐式生成代码"),
    ("reference", "参考路径"),
    ("{kind:t}, {points} points", "{kind}，{points} 分"),
    (
        "{kind:t}, {points} points ({share}% of category {category})",
        "{kind}，{points} 分（占考核内容 {category} 的 {share}%）",
    ),
    ("{kind:t}, points each", "{kind}，按每项分值"),
    ("{kind:t}, scaled to {points} points", "{kind}，折算为 {points} 分"),
    (
        "{kind:t}, pooled: the sub-items done across the items, scaled to {points} points",
        "{kind}，合并计分：全部事项的子项完成数，折算为 {points} 分",
    ),
    (
        "{kind:t}, pooled: the sub-items done across the items, scaled to {points} points "
        "({share}% of category {category})",
        "{kind}，合并计分：全部事项的子项完成数，折算为 {points} 分（占考核内容 {category} 的 {share}%）",
    ),
    (
        "{kind:t}, scaled to {points} points ({share}% of category {category})",
        "{kind}，折算为 {points} 分（占考核内容 {category} 的 {share}%）",
    ),
    ("{points} points", "{points} 分"),
    ("{type} per item", "{type}，逐项填报"),
    ("{type} per item, {rest}", "{type}，逐项填报，{rest}"),
    ("score given by {assessors}", "采信 {assessors} 给定的分数"),
    ("scored by {assessors}", "由 {assessors} 评分"),
    ("scored, or the class average", "计算得分，或取本类别平均"),
    ("its sub-items'", "其子项的完成情况"),
    ("items and completed items", "事项数和完成事项数"),
    (
        "subtotals, reweighted when a category does not apply, + bonus − deductions",
        "各考核内容得分（某项不适用时按权重折算）＋加分－扣分",
    ),
    ("the sum of the awards", "各项奖励之和"),
    ("the unit's awards, and those carried in", "本单位的获奖，及结转来的获奖"),
    ("the sum capped at {cap}", "合计封顶 {cap}"),
    ("the sum capped", "合计封顶"),
    ("ordered by {keys}", "按 {keys} 排序"),
    ("ordered by {keys}, across {classes} (ranking {ranking})", "按 {keys} 排序，统一排序 {ranking}：{classes}"),
    ("not graded", "不定等次"),
    ("per category, summed", "按考核内容汇总"),
    ("bands, veto effects, quotas {quotas}", "分档、一票否决的处理、名额 {quotas}"),
    ("bands and veto effects", "分档和一票否决的处理"),
    ("{count} units", "{count} 个单位"),
    ("kernel: {why:t}", "内核：{why}"),
    ("generated expressions: {why:t}", "逐式生成代码：{why}"),
    ("`{quantity}({target})` is not generated in the class kernel", "`{quantity}({target})` 不在类别内核中生成"),
    ("a constant is evaluated in the unit's frame, on first use", "常量在单位的计算环境中首次用到时求值"),
    ("class-wide: computed once per class over every unit's value", "全类别：每个类别按所有单位的值计算一次"),
    (
        "across the ranking: computed once over every unit's value of {classes} (ranking {ranking})",
        "统一排序：按统一排序 {ranking}（{classes}）所有单位的值计算一次",
    ),
    ("read for every unit of the class by the class-wide statistic", "为全类别统计量读取本类别每个单位的值"),
    ("summed by the engine: the class has no kernel", "由引擎求和：本类别没有内核"),
    ("summed by the engine: the category has no measure", "由引擎求和：该考核内容没有考核项"),
    (
        "summed by the engine: not every measure is in the kernel ({measures})",
        "由引擎求和：并非每个考核项都在内核中（{measures}）",
    ),
    ("the class has no measure the kernel takes, so it has no kernel", "本类别没有内核能计算的考核项，因此没有内核"),
    ("its score is read by another measure or rule (`score(…)`)", "它的得分被另一考核项或规则读取（`score(…)`）"),
    ("`drop extremes` is not generated", "`drop extremes` 不生成代码"),
    ("a list of items is scored item by item", "事项清单逐项计分"),
    ("a list of ballots is counted ballot by ballot", "选票清单逐张计票"),
    ("an indicator with sub-items is not generated", "含子项的指标不生成代码"),
    ("an indicator without a score of its own", "指标没有自己的得分"),
    ("it reads the score of {measures}, scored before it by the engine", "它读取 {measures} 的得分，由引擎先行计分"),
    (
        "the class-wide function {function}() needs every unit of the class",
        "全类别函数 {function}() 需要本类别的每个单位",
    ),
    (
        "input {name} is `missing peer_avg`: the score may be the class's average",
        "填报项 {name} 为 `missing peer_avg`：得分可能取本类别平均",
    ),
    (
        "it reads a unit input `missing peer_avg`: the score may be the class's average",
        "它读取 `missing peer_avg` 的单位填报项：得分可能取本类别平均",
    ),
    ("a `prorated` input in a progress check is not generated", "进度考核中 `prorated` 的填报项不生成代码"),
    ("veto {name} uses a class-wide function", "一票否决 {name} 用到全类别函数"),
    ("veto {name} reads a measure's score (`score(…)`)", "一票否决 {name} 读取考核项得分（`score(…)`）"),
    ("the name {name} is not an input, a let or a constant", "名称 {name} 不是填报项、中间值或常量"),
    ("let {name} depends on itself", "中间值 {name} 依赖自身"),
    (
        "function {function} nests too deeply once expanded to be generated",
        "函数 {function} 展开后嵌套太深，不生成代码",
    ),
    ("it nests more than {levels:d} levels deep once generated", "生成后嵌套超过 {levels} 层，不生成代码"),
    ("a band `{op}` is not generated", "分档 `{op}` 不生成代码"),
    ("{kind} expressions are not generated", "{kind} 表达式不生成代码"),
    ("an {kind:t} measure is scored by the reference path", "{kind}考核项由参考路径计分"),
    ("sub-items are scored by the reference path", "子项由参考路径计分"),
    ("no score of its own", "没有自己的得分"),
    ("a class-wide function reads the class's values item by item", "全类别函数逐项读取本类别的值"),
    # the interpreter's notes
    (
        "{function}(…) capped {value} at {result} (line {line:d})",
        "{function}(…) 将 {value} 封顶为 {result}（第 {line} 行）",
    ),
    (
        "{function}(…) floored {value} at {result} (line {line:d})",
        "{function}(…) 将 {value} 保底为 {result}（第 {line} 行）",
    ),
    (
        "{function}(…) raised {value} to the floor {low} (line {line:d})",
        "{function}(…) 将 {value} 提高到下限 {low}（第 {line} 行）",
    ),
    (
        "{function}: class of {count:d}, min {low}, max {high} → {result} (line {line:d})",
        "{function}：本类别 {count} 个单位，最小 {low}，最大 {high} → {result}（第 {line} 行）",
    ),
    (
        "{function}: ranking {ranking} of {count:d}, min {low}, max {high} → {result} (line {line:d})",
        "{function}：统一排序 {ranking} 共 {count} 个单位，最小 {low}，最大 {high} → {result}（第 {line} 行）",
    ),
    ("bands: otherwise (line {line:d})", "分档：其余（第 {line} 行）"),
    ("bands: {subject} {op} {bound} (line {line:d})", "分档：{subject} {op} {bound}（第 {line} 行）"),
    ("interpolate: {x} at or below the first point → {y}", "插值：{x} 不高于第一个点 → {y}"),
    ("interpolate: {x} between {low} and {high} → {y}", "插值：{x} 在 {low} 与 {high} 之间 → {y}"),
    ("interpolate: {x} at or above the last point → {y}", "插值：{x} 不低于最后一个点 → {y}"),
    # computed and conditional bonuses, deductions and money; shared caps; ties sharing a quota place
    ("when {condition}: holds", "条件 {condition}：成立"),
    ("when {condition}: does not hold", "条件 {condition}：不成立"),
    ("capped at {cap}", "封顶 {cap}"),
    ("below 0: counts 0", "低于 0，计 0"),
    ("below 0: pays 0", "低于 0，不发奖金"),
    ("money {formula} = {value}", "奖金 {formula} = {value}"),
    ("limit {name}", "合计封顶 {name}"),
    ("{parts} = {summed}, capped at {cap}", "{parts} = {summed}，封顶 {cap}"),
    (
        "tied with the last place of the {grade} quota, it shares it",
        "与{grade}名额的最后一名同分，并列享有该等次",
    ),
    # a user-defined function's value, and a measure worth a share of its category
    ("{function}(…) = {value} (line {line:d})", "{function}(…) = {value}（第 {line} 行）"),
    (
        "{share}% of category {category}: {points} points",
        "考核内容 {category} 的 {share}%：{points} 分",
    ),
)


# What each keyword and term means (keywords.py, `meaning`): the language server's completion and hover
MEANINGS: tuple[tuple[str, str], ...] = (
    ("keyword: {meaning:t}", "关键字：{meaning}"),
    # a hover on a name (lsp.describe): the words around the policy's own
    ("inherited from `{file}`", "继承自 `{file}`"),
    ("{share} of the category's points in each class", "{share}，按每个类别中该考核内容的分值计"),
    ("every class with this category", "有这项考核内容的每个类别"),
    ("category weight in {name}: {amount:t}", "在 {name} 中的考核内容权重：{amount}"),
    ("declared at `{where}`", "声明于 `{where}`"),
    ("this file amends another policy file", "本文件修订另一个考核办法文件"),
    ("drop an inherited declaration", "去掉继承来的声明"),
    ("the year the policy assesses", "考核办法考核的年度"),
    ("draft or adopted", "征求意见稿或正式"),
    ("how results are rounded", "结果怎样舍入"),
    ("the stages a rounding applies to", "舍入适用的环节"),
    ("the document the policy is taken from", "考核办法所依据的文件"),
    ("a named constant", "有名称的常量"),
    ("a named formula with parameters, called like a built-in function", "带参数的有名称公式，像内置函数一样调用"),
    ("a value the unit's data supplies", "由单位数据填报的值"),
    ("a measure whose items each unit lists itself", "由各单位自己列出事项的考核项"),
    ("a measure scored by assessors", "由评议方打分的考核项"),
    ("the points a measure is worth", "考核项的分值"),
    (
        "the classes a measure or rule applies to; in `periods`, the measures the period weights apply to",
        "考核项或规则适用的类别；在 `考核期` 中，考核期权重所适用的指标",
    ),
    ("what a missing value means", "缺报的值怎样处理"),
    ("the value taken when the data gives none", "数据没有给出时所取的值"),
    ("the values the data may hold", "数据允许的取值"),
    ("a cumulative target pro-rated over a period", "按考核期进度折算的累计目标"),
    ("a condition the data must meet, checked when they are read", "数据必须满足的条件，在读取数据时检查"),
    ("a named intermediate value", "有名称的中间值"),
    ("the points earned", "所得分数"),
    ("when the item counts as completed", "事项算作完成的条件"),
    ("completed sub-items counted at once", "一次计入若干完成的子项"),
    ("the total a tally counts against", "完成项数所对应的总数"),
    ("scores taken as given from these assessors", "采信这些评议方给定的分数"),
    ("discard the highest and lowest assessor score", "去掉评议方的最高分和最低分"),
    ("what a veto does", "一票否决的处理"),
    ("the veto forces this grade", "一票否决把等次定为这个等次"),
    ("the veto caps the grade", "一票否决限定最高等次"),
    ("the veto withholds the award and a quota place", "一票否决取消奖励，也不占名额"),
    ("the veto reports the total as 0", "一票否决使总分计为 0"),
    ("the most a level adds", "一个级别最多加的分"),
    ("the most a bonus or deduction adds up to", "加分或扣分合计最多的分"),
    ("awards dated after this day count next year", "此日之后颁发的奖项计入下一年度"),
    ("points deducted", "扣减的分数"),
    ("the points a deduction takes", "一项扣分扣减的分数"),
    ("the money each grade receives", "各等次的奖金"),
    ("lower the award by a percentage", "把奖金下调一个百分比"),
    ("which units receive the award", "哪些单位享受奖励"),
    ("a factor on the total or a category", "乘在总分或某项考核内容上的系数"),
    ("the coefficient's value", "系数的值"),
    ("what the coefficient multiplies", "系数乘的对象"),
    ("the grade bands", "各等次的分档"),
    ("every other score", "其余所有分数"),
    ("how a quota's head count is rounded", "名额人数怎样取整"),
    ("the fewest units a grade's quota keeps", "一个等次的名额至少保留的单位数"),
    ("units tied with a quota's last place share the grade", "与名额最后一名同分的单位并列这个等次"),
    ("how units with equal totals are ordered", "总分相同的单位怎样排序"),
    (
        "classes ranked together: one rank, grade ladder and quotas across them",
        "几个类别统一排序：共用一个名次、等次和名额",
    ),
    ("units of these classes are ranked but given no grade", "这些类别的单位参加排名，但不定等次"),
    (
        "the unit's own result last year (rank, total or grade), read from last year's results file",
        "本单位上年的结果（名次、总分或等次），取自上年结果文件",
    ),
    ("monthly, quarterly or half-year checks", "月度、季度或半年考核"),
    ("a conditional value", "按条件取值"),
    ("the value when the condition holds", "条件成立时的值"),
    ("the value when it does not", "条件不成立时的值"),
    ("either condition", "两个条件之一"),
    ("both conditions", "两个条件都成立"),
    ("the condition does not hold", "条件不成立"),
    ("piecewise linear between anchors", "在各锚点之间按直线插值"),
    ("any decimal", "任意小数"),
    ("a whole number, at least 0", "不小于 0 的整数"),
    ("an assessor's score", "评议方的评分"),
    ("yuan", "元"),
    ("a missing value is an error", "缺报是错误"),
    ("a missing value counts as 0", "缺报计为 0"),
    ("the measure drops out and the category is reweighted", "这一项不计，考核内容按其余项折算"),
    ("adopted", "正式"),
    ("round half up", "四舍五入"),
    ("round half to even", "四舍六入五成双"),
    ("round towards zero", "向零舍去"),
    ("round away from zero", "远离零进位"),
    ("each measure's score", "每个考核项的得分"),
    ("each category's subtotal", "每项考核内容的小计"),
    ("the total", "总分"),
    ("round the head count down", "名额人数向下取整"),
    ("round the head count up (进一法)", "名额人数向上取整（进一法）"),
    ("round the head count half up", "名额人数四舍五入"),
    ("lowest first", "从低到高"),
    ("highest first", "从高到低"),
    (
        "the points a measure earned for the unit (after the `indicator` rounding), e.g. `score(重要项目)`",
        "单位在某个考核项上所得的分数（按 `indicator` 舍入之后），如 `score(重要项目)`",
    ),
    (
        "a category's subtotal for the unit, as its results show it, e.g. `subtotal(经济发展)`",
        "单位某项考核内容的小计，与结果显示的相同，如 `subtotal(经济发展)`",
    ),
    ("replace an inherited declaration of the same name", "替换继承来的同名声明"),
    ("the header: title, year, status, sources", "头部：标题、年度、状态、依据"),
    ("the full score (of the policy, or of assessors' scores)", "满分（考核办法的，或评议方评分的）"),
    ("a class of assessed units and its category weights", "一类被考核单位及其各考核内容的权重"),
    ("a body that gives scores (people's congress, CPPCC, …)", "打分的机关（人大、政协……）"),
    ("a category of measures, weighted per class", "一组考核项，按类别定权重"),
    ("a measure every unit of the class has", "本类别每个单位都有的考核项"),
    ("a part of an indicator", "指标的组成部分"),
    (
        "a measure worth this share of its category's points in each class",
        "在每个类别中占其考核内容分值这一比例的考核项",
    ),
    ("items scored by the sub-items done across all of them", "按全部事项的子项总完成率计分的事项"),
    ("the unit's rank in last year's results", "单位上年结果中的名次"),
    ("the unit's total in last year's results", "单位上年结果中的总分"),
    ("the unit's grade in last year's results", "单位上年结果中的等次"),
    ("the upper end of a range or band", "范围或分档的上端"),
    (
        "not pro-rated when this input is true: a rate, an intensity or a share",
        "该填报项为是时不按进度折算：比率、强度或占比",
    ),
    ("an assessor and the weight of its score", "评议方及其评分的权重"),
    ("the weight of an assessor's score or of a period", "评议方评分或考核期的权重"),
    (
        "an assumption: what the method's source leaves open, shown by check and explain",
        "假定：考核办法的依据没有说清楚的地方，由 `check` 和 `explain` 显示",
    ),
    ("a one-vote veto: a condition and its effects", "一票否决：条件及其处理"),
    ("the condition of a veto, commendation or reduction", "一票否决、嘉奖或下浮的条件"),
    ("bonus points by award level", "按奖项级别加分"),
    ("an award level and its points", "奖项级别及其分数"),
    ("award money by grade", "按等次发放的奖金"),
    ("units named for meeting a condition", "符合条件而受到表彰的单位"),
    ("one cap over the sum of several bonuses or deductions", "几项加分或扣分之和的合计封顶"),
    ("the most a grade may hold, as a share of the class", "一个等次最多容纳的单位，按占本类别的比例"),
    ("the last month of a period", "考核期的最后一个月"),
    (
        "the first month of a period whose data are its own months', not the year's to date",
        "考核期的第一个月：该考核期的数据只是它自己这几个月的，而不是年初至今的累计",
    ),
    ("stepped bands: the first arm that holds", "分档：取第一个成立的档"),
    ("a percentage: 8.5 in the data is 8.5%", "百分比：数据中的 8.5 即 8.5%"),
    ("the average of the class's units that have it", "本类别有此值的单位的平均"),
    ("issued for comment", "征求意见"),
    (
        "a category's subtotal for the unit, as its results show it, e.g. `subtotal(经济发展)`; `subtotal()`: the "
        "total before bonus and deductions",
        "单位某项考核内容的小计，与结果显示的相同，如 `subtotal(经济发展)`；`subtotal()`：加分和扣分之前的得分",
    ),
    (
        "the points a bonus gave the unit (its own cap applied), e.g. `bonus(获奖加分)`; `bonus()`: the unit's "
        "whole bonus, after every `limit`",
        "某项加分给单位的分数（按它自己的封顶），如 `bonus(获奖加分)`；`bonus()`：单位的全部加分，在每个 `limit` 之后",
    ),
    (
        "the points a deduction took from the unit (its own cap applied), e.g. `deduction(通报批评)`; `deduction()`: "
        "the unit's whole deductions, after every `limit`",
        "某项扣分从单位扣减的分数（按它自己的封顶），如 `deduction(通报批评)`；`deduction()`：单位的全部扣分，"
        "在每个 `limit` 之后",
    ),
    ("whether a veto fired for the unit, e.g. `vetoed(安全生产)`", "某项一票否决对单位是否成立，如 `vetoed(安全生产)`"),
    # built-in values and keys (keywords.BUILTINS)
    ("the points the measure is worth", "本考核项的分值"),
    ("the unit's total", "单位的总分"),
    ("the unit's rank in its class", "单位在本类别的名次"),
    ("how many items the unit has (the completion table)", "单位的目标项数（完成情况表）"),
    ("how many of the unit's items are completed", "单位已完成的目标项数"),
    ("whether any veto fired for the unit", "单位是否被一票否决"),
    ("the unit's name", "单位名称"),
)

CATALOG: tuple[tuple[str, str], ...] = (
    PHRASES
    + SYNTAX
    + LOADING
    + CHECK
    + FUNCTIONS
    + COMMAND_LINE
    + HELP
    + DATA
    + EVALUATION
    + RECORDS
    + OUTPUTS
    + MEANINGS
)
