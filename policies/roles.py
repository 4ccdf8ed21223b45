"""Who uses the portal: the roles of the regulation and of the bureau's separation of duties.

第二十八条 (approval of viewing and copying), 第二十九条 (secrets by permission), 第三十条
(supervision by the legal office), and the usual 三员分立 of classified systems: the system
administrator runs the system without reading classified content, the secrecy officer grants
without administering, the auditor reads the access log and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    code: str
    name: str
    duties: str
    article: str
    needs_second_factor: bool


ROLES: tuple[Role, ...] = (
    Role("officer", "执法人员", "立案、录入各环节记录、24小时内上传音像记录、查阅规则与用语指引",
         "第二十六条", False),
    Role("unit_head", "承办机构负责人", "提出承办机构意见，审批本单位案卷的调阅复制申请",
         "第十四条", True),
    Role("legal", "法规处（法制审核）", "发布规则、音像记录事项清单和用语指引，法制审核，监督落实",
         "第三十条", True),
    Role("bureau_head", "局负责人", "作出负责人意见或集体讨论，审批最敏感案卷的调阅复制",
         "第十四条", True),
    Role("secrecy", "保密员", "标注涉密和个人信息，授予和撤销对象权限，审批涉密申请",
         "第二十九条", True),
    Role("archivist", "档案管理员", "20个工作日内接收归档，一案一卷", "第二十五条", False),
    Role("requester", "申请人", "申请调阅或复制执法记录", "第二十八条", False),
    Role("sysadmin", "系统管理员", "运行维护系统，不阅读涉密和个人信息内容", "第二十九条", True),
    Role("auditor", "审计员", "查阅访问日志（含管理员操作），不做其他操作", "第二十九条", True),
)

ROLES_BY_CODE = {role.code: role for role in ROLES}


def role(code: str) -> Role:
    try:
        return ROLES_BY_CODE[code]
    except KeyError:
        raise KeyError(f"unknown role: {code!r}") from None
