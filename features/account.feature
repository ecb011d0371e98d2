# language: zh-CN
功能: 账户、角色、范围与登录
  管理员管理账户。一个账户可兼有多个角色（信访员、审批员、审计员、管理员），
  属于街道（可见所有社区）或某一个社区（只见本社区的案件）。
  授予和撤销角色、更改范围、修改密码和停用账户都作为事件记录，审计员可以查阅。
  首个管理员只能在空的存储上由系统创建。

  背景:
    假如今天是 2026-03-02
    而且社区 "xinmin" 的信访员 "li"
    而且街道的审批员 "wang"

  场景: 首个管理员由系统在空库上创建，库中已有记录后不能再创建
    那么账户 "admin" 的角色为 "管理员"，范围为街道
    而且账户 "admin" 的历史首条是 "system" 记录的 Created
    当有人再次创建首个管理员 "root"
    那么操作被拒绝，原因是 "StoreNotEmpty"

  场景: 管理员创建账户，指定多个角色和社区范围
    当 "admin" 创建账户 "zhao"，角色为 "信访员兼审批员"，范围为社区 "dongjie"
    那么操作成功
    而且账户 "zhao" 的角色为 "信访员兼审批员"，范围为社区 "dongjie"
    而且账户 "zhao" 的历史首条是 "admin" 记录的 Created
    当 "zhao" 用密码 "demo-password-1" 登录
    那么登录者为 "zhao"，角色为 "信访员兼审批员"

  场景: 管理员创建街道范围的账户
    当 "admin" 创建账户 "sun"，角色为 "审计员"，范围为街道
    那么操作成功
    而且账户 "sun" 的角色为 "审计员"，范围为街道

  场景大纲: 用户名和密码在允许的边界内即可创建
    当 "admin" 创建账户 "<用户名>"，密码为 "<密码>"，角色为 "信访员"，范围为社区 "xinmin"
    那么操作成功
    当 "<用户名>" 用密码 "<密码>" 登录
    那么操作成功

    例子:
      | 用户名                           | 密码           | 说明                             |
      | zh                               | long-enough-pw | 用户名最短2个字符                |
      | abcdefghijklmnopqrstuvwxyzabcdef | long-enough-pw | 用户名最长32个字符（26+6）       |
      | zhao_2                           | ten-chars1     | 密码恰好10个字符，为最短长度     |

  场景大纲: 创建账户时拒绝重名、无效的用户名、过短的密码和未知的社区
    当 "admin" 创建账户 "<用户名>"，密码为 "<密码>"，角色为 "信访员"，范围为社区 "<社区>"
    那么操作被拒绝，原因是 "<原因>"

    例子:
      | 用户名                            | 密码           | 社区    | 原因          | 说明                                               |
      | li                                | long-enough-pw | xinmin  | UsernameTaken | 背景中已有账户 li                                  |
      | LI                                | long-enough-pw | dongjie | UsernameTaken | 用户名不区分大小写，LI 即 li                       |
      | 张三                              | long-enough-pw | xinmin  | InvalidValue  | 用户名只能用英文字母、数字、点、下划线和连字符     |
      | z                                 | long-enough-pw | xinmin  | InvalidValue  | 用户名至少2个字符                                  |
      | 9zhao                             | long-enough-pw | xinmin  | InvalidValue  | 用户名须以字母开头                                 |
      | abcdefghijklmnopqrstuvwxyzabcdefg | long-enough-pw | xinmin  | InvalidValue  | 33个字符，超过32个                                 |
      | zhao                              | short-pw1      | xinmin  | InvalidValue  | 密码9个字符，至少需要10个                          |
      | zhao                              | long-enough-pw | nowhere | InvalidValue  | 社区不在配置的社区名单中                           |

  场景: 非管理员不能创建账户
    当 "li" 创建账户 "zhao"，角色为 "信访员"，范围为社区 "xinmin"
    那么操作被拒绝，原因是 "PermissionDenied"
    当 "wang" 创建账户 "zhao"，角色为 "管理员"，范围为街道
    那么操作被拒绝，原因是 "PermissionDenied"

  场景: 授予角色记为事件，新角色立即生效
    当 "li" 登记一件 2026-02-10 收到的来信
    而且 "li" 于 2026-02-12 受理该件
    而且 "li" 于 2026-03-02 批准该件延期 10 天，理由 "需要调取历年档案"
    那么操作被拒绝，原因是 "PermissionDenied"
    当 "admin" 授予 "li" 审批员角色
    那么操作成功
    而且账户 "li" 的角色为 "信访员兼审批员"，范围为社区 "xinmin"
    而且账户 "li" 的历史末条是 "admin" 记录的 RoleGranted
    而且账户 "li" 的历史末条记载的角色为 "审批员"
    当 "li" 于 2026-03-02 批准该件延期 10 天，理由 "需要调取历年档案"
    那么操作成功

  场景: 不能重复授予已有的角色
    当 "admin" 授予 "li" 信访员角色
    那么操作被拒绝，原因是 "RoleAlreadyHeld"

  场景: 撤销角色记为事件，撤销后立即失去权限
    假如街道的信访员兼审批员 "zhou"
    当 "admin" 撤销 "zhou" 的审批员角色
    那么操作成功
    而且账户 "zhou" 的角色为 "信访员"，范围为街道
    而且账户 "zhou" 的历史末条是 "admin" 记录的 RoleRevoked
    而且账户 "zhou" 的历史末条记载的角色为 "审批员"
    当 "zhou" 登记一件 2026-02-10 收到的来信
    而且 "zhou" 于 2026-02-12 受理该件
    而且 "zhou" 于 2026-03-02 批准该件延期 10 天，理由 "需要调取历年档案"
    那么操作被拒绝，原因是 "PermissionDenied"

  场景: 不能撤销未持有的角色
    当 "admin" 撤销 "li" 的审批员角色
    那么操作被拒绝，原因是 "RoleNotHeld"

  场景: 不能撤销账户的最后一个角色，应改为停用
    当 "admin" 撤销 "li" 的信访员角色
    那么操作被拒绝，原因是 "LastRole"

  场景: 管理员不能停用本人账户，也不能更改本人的角色
    当 "admin" 停用账户 "admin"，理由 "调离"
    那么操作被拒绝，原因是 "OwnAccount"
    当 "admin" 授予 "admin" 审计员角色
    那么操作被拒绝，原因是 "OwnAccount"
    当 "admin" 撤销 "admin" 的管理员角色
    那么操作被拒绝，原因是 "OwnAccount"

  场景: 社区管理员只管理本社区的账户
    假如社区 "xinmin" 的管理员 "xadmin"
    当 "xadmin" 创建账户 "zhao"，角色为 "信访员"，范围为社区 "dongjie"
    那么操作被拒绝，原因是 "InvalidValue"
    当 "xadmin" 授予 "wang" 信访员角色
    那么操作被拒绝，原因是 "AccountNotFound"
    当 "xadmin" 授予 "li" 审批员角色
    那么操作成功

  场景: 账户历史中的密码散列只显示为已更改，不显示其值
    当 "admin" 将 "li" 的密码重置为 "another-password-1"
    那么账户 "li" 的历史中看不到密码散列

  场景: 信访员不能调阅账户的历史
    当 "li" 调阅账户 "admin" 的历史
    那么操作被拒绝，原因是 "PermissionDenied"

  场景: 授予和撤销依次留在账户历史中
    当 "admin" 授予 "wang" 信访员角色
    而且 "admin" 撤销 "wang" 的信访员角色
    那么操作成功
    而且账户 "wang" 的角色为 "审批员"，范围为街道
    而且账户 "wang" 的历史依次为 Created、RoleGranted、RoleRevoked

  场景: 非管理员不能授予或撤销角色
    当 "li" 授予 "li" 审批员角色
    那么操作被拒绝，原因是 "PermissionDenied"
    当 "wang" 撤销 "li" 的信访员角色
    那么操作被拒绝，原因是 "PermissionDenied"

  场景: 更改范围后只见新范围内的案件
    当 "li" 登记一件 2026-02-10 收到的来信
    而且 "admin" 将账户 "li" 的范围改为社区 "dongjie"
    那么操作成功
    而且账户 "li" 的角色为 "信访员"，范围为社区 "dongjie"
    而且账户 "li" 的历史末条是 "admin" 记录的 ScopeChanged
    当 "li" 打开该件的详情
    那么操作被拒绝，原因是 "CaseNotFound"
    当 "admin" 将账户 "li" 的范围改为街道
    而且 "li" 打开该件的详情
    那么操作成功

  场景大纲: 更改范围时拒绝原有的范围和未知的社区
    当 "admin" 将账户 "<用户名>" 的范围改为<范围>
    那么操作被拒绝，原因是 "InvalidValue"

    例子:
      | 用户名 | 范围             | 说明                   |
      | li     | 社区 "xinmin"    | li 本来就属于新民社区  |
      | wang   | 街道             | wang 本来就属于街道    |
      | li     | 社区 "nowhere"   | 社区不在配置的名单中   |

  场景: 用户知道当前密码即可修改本人密码，之后用新密码登录
    当 "li" 将本人密码由 "demo-password-1" 改为 "new-password-2026"
    那么操作成功
    而且账户 "li" 的历史末条是 "li" 记录的 PasswordChanged
    当 "li" 用密码 "new-password-2026" 登录
    那么登录者为 "li"，角色为 "信访员"
    当 "li" 用密码 "demo-password-1" 登录
    那么操作被拒绝，原因是 "AuthenticationFailed"

  场景: 当前密码不对时不能修改密码，原密码仍然有效
    当 "li" 将本人密码由 "wrong-password-1" 改为 "new-password-2026"
    那么操作被拒绝，原因是 "AuthenticationFailed"
    当 "li" 用密码 "demo-password-1" 登录
    那么操作成功

  场景: 新密码太短时不能修改
    当 "li" 将本人密码由 "demo-password-1" 改为 "short"
    那么操作被拒绝，原因是 "InvalidValue"

  场景: 管理员重置他人的密码，无需知道原密码
    当 "admin" 将 "li" 的密码重置为 "reset-password-9"
    那么操作成功
    而且账户 "li" 的历史末条是 "admin" 记录的 PasswordChanged
    当 "li" 用密码 "reset-password-9" 登录
    那么操作成功

  场景: 非管理员不能重置他人的密码，也不能借此探知哪些用户名存在
    当 "wang" 将 "li" 的密码重置为 "reset-password-9"
    那么操作被拒绝，原因是 "PermissionDenied"
    当 "wang" 将 "nobody" 的密码重置为 "reset-password-9"
    那么操作被拒绝，原因是 "PermissionDenied"

  场景: 不能借重置绕过本人的当前密码
    当 "li" 将 "li" 的密码重置为 "reset-password-9"
    那么操作被拒绝，原因是 "AuthenticationFailed"

  场景: 登录时用户名不区分大小写
    当 "LI" 用密码 "demo-password-1" 登录
    那么登录者为 "li"，角色为 "信访员"

  场景大纲: 密码错误与用户不存在，登录时得到同样的拒绝
    当 "<用户名>" 用密码 "<密码>" 登录
    那么操作被拒绝，原因是 "AuthenticationFailed"

    例子:
      | 用户名 | 密码             | 说明                     |
      | li     | wrong-password-1 | 密码错误                 |
      | nobody | demo-password-1  | 没有这个用户             |
      | 张三   | demo-password-1  | 不可能存在的用户名       |

  场景: 停用的账户不能再登录，也不能再办理业务
    当 "admin" 停用账户 "li"，理由 "调离本街道"
    那么操作成功
    而且账户 "li" 已停用
    而且账户 "li" 的历史末条是 "admin" 记录的 Deactivated
    当 "li" 用密码 "demo-password-1" 登录
    那么操作被拒绝，原因是 "AuthenticationFailed"
    当 "li" 以本人身份办理业务
    那么操作被拒绝，原因是 "AccountInactive"
    当 "li" 将本人密码由 "demo-password-1" 改为 "new-password-2026"
    那么操作被拒绝，原因是 "AccountInactive"
    当 "admin" 授予 "li" 审批员角色
    那么操作被拒绝，原因是 "AccountInactive"

  场景: 非管理员不能停用账户
    当 "wang" 停用账户 "li"，理由 "调离本街道"
    那么操作被拒绝，原因是 "PermissionDenied"

  场景: 用户可以查看本人的账户，不能查看他人的账户
    当 "li" 查看账户 "li"
    那么操作成功
    当 "li" 查看账户 "wang"
    那么操作被拒绝，原因是 "PermissionDenied"

  场景: 社区信访员看不到其他社区的信访件
    假如社区 "dongjie" 的信访员 "zhao"
    当 "li" 登记一件 2026-02-10 收到的来信
    而且 "zhao" 打开该件的详情
    那么操作被拒绝，原因是 "CaseNotFound"
    当 "zhao" 调阅该件的历史
    那么操作被拒绝，原因是 "CaseNotFound"
    当 "li" 打开该件的详情
    那么操作成功
    当 "wang" 打开该件的详情
    那么操作成功
