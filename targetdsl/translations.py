"""The catalog: every message in English and in Chinese (plain data; `messages.py` reads it).

Each entry is (English, Chinese). The English is the text exactly as the code that reports the
problem writes it, with `{name}` where a value goes (`{name:t}`: a value that is itself a phrase of
this catalog; `{name:l}`: a list joined by ", ", each item a phrase); the Chinese uses the same
names. Entries follow the order of docs/errors.md. This module must not import anything.
"""

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
    ("a coefficient", "系数"),
    ("the operand of `not`", "`not` 的操作数"),
    ("the condition after `if`", "`if` 之后的条件"),
    ("the values of `bands`", "`bands` 的各档取值"),
    ("both branches", "两个分支"),
)

# syntax.*: reading a policy's text
SYNTAX: tuple[tuple[str, str], ...] = (
    ("unexpected character `{char}`", "意外的字符 `{char}`"),
    ("unexpected name `{word}`", "此处不应出现名称 `{word}`"),
    ("unexpected `{word}`", "此处不应出现 `{word}`"),
    ("unexpected {what:t}", "此处不应出现{what}"),
    ("the file ends in the middle of a statement", "文件在一条语句中间结束"),
    ("expected one of: {words:l}", "此处应为以下之一：{words}"),
    ("expected {word:t}", "此处应为{word}"),
    ("expected `{word}`", "此处应为 `{word}`"),
    ("did you mean `{word}`? {rest:t}", "是否想写 `{word}`？{rest}"),
    ("did you mean `{word}`?", "是否想写 `{word}`？"),
    ("check the statement against docs/language.md", "请对照 docs/language.md 检查这条语句"),
    ("write a space after the keyword: `{words}`", "在关键字后加一个空格：`{words}`"),
    ("use `{word}`", "请用 `{word}`"),
    (
        "`{word}` is a keyword; in an expression the value is written `{english}`",
        "`{word}` 是关键字；在表达式中，这个值写作 `{english}`",
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
    (" (an award can read the unit's `rank` and `total`)", "（奖励可以读取单位的 `rank` 和 `total`）"),
    (
        "compare units in an `indicator`; a rule compares with fixed values{award:t}",
        "请在 `indicator` 中比较单位；规则只与固定值比较{award}",
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
        "write `missing error`, `zero`, `na`, `peer_avg` or `default <value>`",
        "写 `missing error`、`zero`、`na`、`peer_avg` 或 `default <值>`",
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
    ("add an `indicator`, `items` or `assessed` block", "加上 `indicator`、`items` 或 `assessed` 块"),
    ("`{name}` is declared twice", "`{name}` 声明了两次"),
    (
        "the first is at {where}; indicator names must be unique in a policy (units' data refer to them)",
        "第一次在 {where}；指标名称在考核办法中必须唯一（各单位的数据按名称引用指标）",
    ),
    ("points must be positive", "分值必须为正数"),
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
    ('add e.g. `level provincial "省级" 2`', '加上如 `level provincial "省级" 2`'),
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
    ("more than one grade is `otherwise`", "不止一个等次是 `otherwise`"),
    ("scores below {low} get no grade", "低于 {low} 分的得分没有等次"),
    ("add e.g. `不合格 < {low}` or a grade `otherwise`", "加上如 `不合格 < {low}`，或一个 `otherwise` 等次"),
    ("grade `{name}` overlaps {other}", "等次 `{name}` 与 {other} 重叠"),
    ("each score must fall in exactly one grade", "每个得分必须恰好落在一个等次中"),
    ("scores from {low} to {high} get no grade", "{low} 至 {high} 分的得分没有等次"),
    ("make the bands meet, or add a grade `otherwise`", "让各区间首尾相接，或加一个 `otherwise` 等次"),
    ("scores of {low} and above get no grade", "{low} 分及以上的得分没有等次"),
    ("add a grade `>= {low}`", "加一个等次 `>= {low}`"),
    ("cannot break ties by `{key}`", "不能按 `{key}` 排定同分顺序"),
    ("tie keys: total, a category, id, name", "同分排序依据：total、某个考核内容、id、name"),
    ("unknown direction `{word}`", "未知的排序方向 `{word}`"),
    ("write `asc` or `desc`", "写 `asc` 或 `desc`"),
    ("period `{name}` is declared twice", "考核期 `{name}` 声明了两次"),
    ("month {month} does not exist", "不存在第 {month} 月"),
    ("periods must end in increasing months", "各考核期的截至月必须递增"),
    ("some periods have a weight and others do not", "有的考核期有权重，有的没有"),
    ("weight every period, or none", "要么每个考核期都给权重，要么都不给"),
    ("period weights add up to {total}%, not 100%", "考核期权重合计为 {total}%，而不是 100%"),
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
    ("this policy cannot be written with {language:t} keywords", "这个考核办法不能用{language}关键字书写"),
    (
        "rename `{name}` (for example `{example}`) where it is declared and wherever it is used, then convert again",
        "在声明和使用 `{name}` 的每一处把它改名（如 `{example}`），然后再转换",
    ),
    (
        "a name is spelled like one of that language's keywords: rename it, then convert again",
        "有名称与该语言的关键字写法相同：请改名后再转换",
    ),
)

# The built-in functions, as a help line shows them (functions.py)
FUNCTIONS: tuple[tuple[str, str], ...] = (
    ("clamp(x, low, high): x limited to [low, high]", "clamp(x, low, high)：把 x 限制在 [low, high] 之内"),
    ("round(x, places): half-up to a whole number of places", "round(x, places)：四舍五入保留 places 位小数"),
)

# The command line's own messages: usage errors (invocation.py, cli.py), summaries, progress
COMMAND_LINE: tuple[tuple[str, str], ...] = (
    (
        "checked {count} {noun}: {errors} {errors_noun}, {warnings} {warnings_noun}",
        "已检查 {count} 个文件：{errors} 个错误，{warnings} 个警告",
    ),
    ("evaluating {bar} {done}/{total} units", "正在评估 {bar} {done}/{total} 个单位"),
    ("evaluating {bar} {done}/{total} unit passes", "正在评估 {bar} {done}/{total} 单位·遍"),
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
    ("no unit `{unit}` in {path} (units: {known}, …)", "{path} 中没有单位 `{unit}`（单位有：{known}，…）"),
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
    ("the policy has no class `{name}`; its classes are {known}", "考核办法没有类别 `{name}`；它的类别有 {known}"),
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

CATALOG: tuple[tuple[str, str], ...] = PHRASES + SYNTAX + LOADING + CHECK + FUNCTIONS + COMMAND_LINE
