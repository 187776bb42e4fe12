" Vim syntax file
" Language: targetdsl policy (.tdsl), keywords in English and in Chinese
" Generated from targetdsl/keywords.py by `python -m targetdsl.authoring.highlighting`; do not edit.

if exists("b:current_syntax")
  finish
endif
let s:cpo_save = &cpo
set cpo&vim

syn case match

syn keyword targetdslDeclaration class 类别 assessor 评议方 category 考核内容 const 常量 nextgroup=targetdslDeclaredName skipwhite
syn keyword targetdslDeclaration function 函数 input 填报 indicator 指标 items 事项 nextgroup=targetdslDeclaredName skipwhite
syn keyword targetdslDeclaration subitem 子项 assessed 评议 let 设 veto 一票否决 nextgroup=targetdslDeclaredName skipwhite
syn keyword targetdslDeclaration bonus 加分 level 级别 deduction 扣分 award 奖励 nextgroup=targetdslDeclaredName skipwhite
syn keyword targetdslDeclaration coefficient 系数 commendation 嘉奖 limit 合计封顶 ranking 统一排序 nextgroup=targetdslDeclaredName skipwhite
syn match targetdslDeclaredName /[A-Za-z_\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF][A-Za-z0-9_\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]*/ contained
syn keyword targetdslControl if 如果 then 则 else 否则 and 且
syn keyword targetdslControl or 或 not 非 bands 分档 interpolate 插值
syn keyword targetdslControl otherwise 其余 when 条件 completed 完成条件 eligible 享受条件
syn keyword targetdslConstant true 是 false 否 error 报错 zero 计零
syn keyword targetdslConstant na 不适用 peer_avg 同类平均 draft 征求意见稿 adopted 正式
syn keyword targetdslConstant half_up 四舍五入 half_even 四舍六入 down 去尾 up 进一
syn keyword targetdslConstant total 总分 奖金 asc 升序 desc 降序 rank
syn keyword targetdslConstant 名次 grade 等次
syn keyword targetdslType number 数值 count 个数 score 评分 percent 百分比
syn keyword targetdslType pp 百分点 money 金额 bool 是否 date 日期
syn keyword targetdslKeyword extends 继承 override 覆盖 remove 取消 policy 考核办法
syn keyword targetdslKeyword year 年度 status 状态 scale 满分 rounding 舍入
syn keyword targetdslKeyword at 用于 source 依据 points 分值 share 占比
syn keyword targetdslKeyword pooled 合并计分 for 适用 missing 缺报 default 默认
syn keyword targetdslKeyword range 范围 to 至 prorated 按进度 unless 除非
syn keyword targetdslKeyword from last 取上年 require 校验 得分 tally 完成项数
syn keyword targetdslKeyword of 共 given by 采信 由 weight 权重
syn keyword targetdslKeyword drop extremes 去极值 above 超过 ballots 评分票 assume
syn keyword targetdslKeyword 假定 effect 处理 定为 cap 最高等次 no 不予奖励
syn keyword targetdslKeyword 得分清零 最多 封顶 carry over after 结转截止日 amount
syn keyword targetdslKeyword 扣减 reduce 下浮 factor 乘以 on 作用于 grades
syn keyword targetdslKeyword quota 名额 round 取整 least 不少于 with ties
syn keyword targetdslKeyword 含并列 同分 graded 不定等次 periods 考核期 through month
syn keyword targetdslKeyword 截至月 起始月

syn match targetdslFunction /\<\%(efficacy_reverse\|peer_count\|efficacy\|peer_avg\|peer_max\|peer_min\|rank_asc\|逆向功效系数\|clamp\|floor\|round\|同类单位数\|ceil\|rank\|功效系数\|升序名次\|同类平均\|同类最大\|同类最小\|向上取整\|向下取整\|四舍五入\|abs\|max\|min\|绝对值\|名次\|最大\|最小\|限定\)\ze\s*(/
syn match targetdslNumber /\<\d\+\%(\.\d\+\)\=\%(%\|pp\>\)\=/
syn match targetdslDate /\<\d\{4}-\d\{2}-\d\{2}\>/
syn match targetdslOperator /[-+*/<>=:,]\|[<>=!]=/
syn region targetdslString start=/"/ skip=/\\./ end=/"\|$/ contains=targetdslEscape
syn match targetdslEscape /\\[\\"nt]/ contained
syn keyword targetdslTodo TODO FIXME XXX contained
syn match targetdslComment /#.*$/ contains=targetdslTodo

hi def link targetdslDeclaration Structure
hi def link targetdslDeclaredName Identifier
hi def link targetdslControl Conditional
hi def link targetdslConstant Constant
hi def link targetdslType Type
hi def link targetdslKeyword Keyword
hi def link targetdslFunction Function
hi def link targetdslNumber Number
hi def link targetdslDate Number
hi def link targetdslOperator Operator
hi def link targetdslString String
hi def link targetdslEscape SpecialChar
hi def link targetdslTodo Todo
hi def link targetdslComment Comment

let b:current_syntax = "targetdsl"
let &cpo = s:cpo_save
unlet s:cpo_save
