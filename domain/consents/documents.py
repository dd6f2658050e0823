# ruff: noqa: E501  (legal texts: one paragraph per line, as shown to members)
"""The sites' consent documents, version 1 (SPEC §3), loaded by a data migration.

Texts come from the manuals in ../shared/seeds/ where they say something (000 incheon-water,
002 animal-protection, 003 yongin-library, 004 onnuri-biz) and otherwise state what PIPA
art. 15(2) / 17(2) requires: purpose, items, retention period, and the right to refuse with its
consequence. Staff publish later versions in the Django admin; this module is only the seed.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

EFFECTIVE_AT = datetime(2024, 1, 1, tzinfo=ZoneInfo("Asia/Seoul"))
VERSION = 1


def _doc(code, title, body, *, required, kinds, scope="sign_up", is_marketing=False, channel=""):
    return {
        "code": code,
        "title": title,
        "body": body.strip(),
        "required": required,
        "kinds": list(kinds),
        "scope": scope,
        "is_marketing": is_marketing,
        "channel": channel,
    }


# --- incheon-water (manual 000 §2.1 약관동의: four separate required documents) --------------

INCHEON_KINDS = ("individual", "corporate")
INCHEON_REFUSAL = (
    "정보주체는 개인정보의 수집·이용목적에 대한 동의를 거부할 수 있으며, 동의 거부시 "
    "사이버민원센터 홈페이지에 회원가입이 되지 않으며, 홈페이지에서 제공하는 서비스는 "
    "이용할 수 없습니다."
)
INCHEON_TERMS = """
인천광역시상수도사업본부 웹사이트 이용자 약관(개정)

제1조(목적 등)
① 인천광역시상수도사업본부 웹사이트 [홈페이지(http://waterworksh.incheon.kr)와 사이버민원센터(http://minwon.waterworksh.incheon.kr)] 이용자 약관(이하 "본 약관"이라 합니다)은 이용자가 인천광역시상수도사업본부 웹사이트를 이용할 때 적용되는 개인정보 보호, 서비스 제공, 기타 이용 관련 사항을 규정합니다.

본 약관에 동의하지 않으실 수 있으나, 동의하지 않으면 회원가입이 되지 않으며 홈페이지에서 제공하는 회원 서비스를 이용할 수 없습니다. 14세 미만의 경우 회원가입이 불가능합니다.
"""
INCHEON_ITEMS = f"""
수집하는 개인정보의 항목

인천광역시 상수도사업본부는 회원가입 및 각종 서비스 제공을 위하여 아래와 같이 개인정보를 수집하고 있습니다.

- 개인회원(필수): 아이디, 비밀번호, 성명, 생년월일, 성별, 휴대폰번호, 주소, 이메일, 이메일 수신여부, SMS 수신여부
- 기업회원(필수): 개인회원 항목 및 대표업체명, 법인명, 사업자등록번호, 신청자 성명, 신청자 생년월일
- 기업회원(선택): 법인등록번호
- 본인인증 시 생성되는 정보: 연계정보(CI), 중복가입확인정보(DI)
- 서비스 이용 과정에서 생성되는 정보: 접속 IP 주소, 접속 일시

{INCHEON_REFUSAL}
"""
INCHEON_PURPOSE = f"""
개인정보의 수집 이용목적

인천광역시 상수도사업본부에서는 수집한 개인정보를 다음의 목적을 위해 활용합니다.
이용자가 제공한 모든 정보는 아래 목적에 필요한 용도 이외로는 사용되지 않으며 이용 목적이 변경될 시에는 사전 동의를 거쳐 사용됩니다.

- 회원 가입 의사 확인, 본인 식별·인증, 중복 가입 방지 및 회원자격 유지·관리
- 상수도 민원의 접수·처리 및 처리 결과 안내
- 아이디 찾기, 임시 비밀번호 발급 등 회원 계정 관리
- 공지사항 전달 및 부정 이용 방지

{INCHEON_REFUSAL}
"""
INCHEON_RETENTION = f"""
개인정보의 보유 및 이용기간

인천광역시 상수도사업본부 웹사이트(사이버민원센터포함)는 회원 가입일로부터 서비스를 제공하는 기간 동안에 한하여 이용자의 개인정보를 보유 및 이용하겠습니다.

회원 탈퇴 시 개인정보는 지체 없이 파기합니다. 다만, 동의 기록 등 관계 법령에 따라 보존할 필요가 있는 정보는 해당 법령에서 정한 기간 동안 보관합니다.

{INCHEON_REFUSAL}
"""


def _marketing_body(site_name: str, channel_name: str, address: str, what: str) -> str:
    return f"""
{channel_name} 수신 동의(선택)

- 수집·이용 목적: {site_name}의 {what} {channel_name} 발송
- 수집 항목: {address}
- 보유 및 이용 기간: 동의 철회 또는 회원 탈퇴 시까지

동의를 거부할 권리가 있으며, 동의하지 않아도 회원가입 및 서비스 이용에는 제한이 없습니다. 다만 동의하지 않으시면 위 안내를 {channel_name}(으)로 받으실 수 없습니다.
동의는 로그인 후 언제든지 철회하실 수 있으며, 정보통신망법 제50조제8항에 따라 2년마다 수신동의 여부를 안내해 드립니다.
"""


INCHEON = [
    _doc("terms", "서비스 이용약관", INCHEON_TERMS, required=True, kinds=INCHEON_KINDS),
    _doc(
        "privacy_items",
        "개인정보 수집·이용안내 - 수집하는 개인정보의 항목",
        INCHEON_ITEMS,
        required=True,
        kinds=INCHEON_KINDS,
    ),
    _doc(
        "privacy_purpose",
        "개인정보 수집·이용안내 - 개인정보의 수집 이용목적",
        INCHEON_PURPOSE,
        required=True,
        kinds=INCHEON_KINDS,
    ),
    _doc(
        "privacy_retention",
        "개인정보 수집·이용안내 - 개인정보의 보유 및 이용기간",
        INCHEON_RETENTION,
        required=True,
        kinds=INCHEON_KINDS,
    ),
    _doc(
        "sms_marketing",
        "SMS 수신 동의",
        _marketing_body("인천광역시 상수도사업본부", "SMS", "휴대폰번호", "상수도 소식 및 홍보"),
        required=False,
        kinds=INCHEON_KINDS,
        is_marketing=True,
        channel="sms",
    ),
    _doc(
        "email_marketing",
        "이메일 수신 동의",
        _marketing_body(
            "인천광역시 상수도사업본부", "이메일", "이메일 주소", "상수도 소식 및 홍보"
        ),
        required=False,
        kinds=INCHEON_KINDS,
        is_marketing=True,
        channel="email",
    ),
]

# --- animal-protection (manual 002: "회원가입 약관에 모두 동의를 하셔야 다음단계로") -----------

ANIMAL_KINDS = ("individual", "foreigner")
ANIMAL_TERMS = """
동물보호관리시스템 이용약관

제1조(목적)
이 약관은 농림축산식품부 동물보호관리시스템(이하 "시스템"이라 합니다)이 제공하는 동물등록, 소유자 정보 관리 등 회원 서비스의 이용 조건과 절차, 이용자와 시스템 운영자의 권리·의무를 정합니다.

제2조(회원가입)
회원가입은 국내인(일반회원) 또는 외국인 회원 유형을 선택하고, 이 약관과 개인정보 수집·이용에 모두 동의한 후 휴대폰 또는 아이핀으로 본인인증을 하여 신청합니다.

제3조(회원정보의 변경)
가입 시 이름과 본인인증 이름이 다른 경우 회원정보를 수정할 수 없습니다. 법적으로 이름을 개명한 경우 관련 증명서를 제출하면 검토 후 변경할 수 있으며, 동물 소유자명의 변경은 시군구청에서 소유자 변경신청 후 신규회원으로 가입하여야 합니다.

이 약관에 동의하지 않으실 수 있으나, 동의하지 않으면 회원가입을 할 수 없습니다.
"""
ANIMAL_PRIVACY = """
개인정보 수집·이용 동의

- 수집·이용 목적: 회원 식별 및 본인확인, 동물등록 및 소유자 정보 관리, 민원 처리 및 결과 안내, 아이디·비밀번호 찾기
- 수집 항목(필수): 아이디, 비밀번호, 성명, 생년월일, 성별, 내·외국인 구분, 휴대폰번호, 주소, 본인인증 연계정보(CI)·중복가입확인정보(DI)
- 보유 및 이용 기간: 회원 탈퇴 시까지. 다만 관계 법령에 따라 보존할 필요가 있는 정보는 해당 기간 동안 보관합니다.

개인정보 수집·이용에 대한 동의를 거부할 권리가 있으나, 동의를 거부하면 회원가입 및 회원 서비스 이용이 불가능합니다.
"""
ANIMAL = [
    _doc("terms", "동물보호관리시스템 이용약관", ANIMAL_TERMS, required=True, kinds=ANIMAL_KINDS),
    _doc("privacy", "개인정보 수집·이용 동의", ANIMAL_PRIVACY, required=True, kinds=ANIMAL_KINDS),
]

# --- yongin-library (manual 003: 약관동의, 법정대리인 동의, SMS/이메일 수신동의, 비대면 자격확인) ---

YONGIN_KINDS = ("general", "child")
YONGIN_TERMS = """
용인시도서관 홈페이지 이용약관

제1조(목적)
이 약관은 용인시도서관(이하 "도서관"이라 합니다)이 홈페이지를 통하여 제공하는 회원 서비스(도서 대출·반납·예약 조회, 회원증 발급 신청 등)의 이용 조건과 절차를 정합니다.

제2조(회원의 구분)
회원은 만 14세 이상의 일반회원과 만 14세 미만의 어린이회원으로 구분합니다. 만 14세 미만의 사용자는 법정대리인의 동의와 본인확인이 필요합니다.

제3조(회원가입)
회원가입은 본인 명의의 휴대폰, 아이핀, 카드 중 하나로 본인인증을 한 후 이 약관에 동의하고 회원정보를 입력하여 신청합니다. 카카오 또는 네이버 계정을 연동하면 그 계정으로 로그인할 수 있습니다.

이 약관에 동의하지 않으실 수 있으나, 동의하지 않으면 회원가입을 할 수 없습니다.
"""
YONGIN_PRIVACY = """
개인정보 수집 및 이용 동의

- 수집·이용 목적: 회원 식별 및 본인확인, 도서 대출·반납·예약 등 도서관 서비스 제공, 회원증 발급, 비밀번호 분실 시 안내 및 서비스 관련 메시지 전달
- 수집 항목(필수): 아이디, 비밀번호, 성명, 생년월일, 성별, 휴대폰번호, 주소, 가입도서관, 본인인증 연계정보(CI)·중복가입확인정보(DI)
- 수집 항목(선택): 이메일, 전화번호
- 보유 및 이용 기간: 회원 탈퇴 시까지. 다만 관계 법령에 따라 보존할 필요가 있는 정보는 해당 기간 동안 보관합니다.

개인정보 수집·이용에 대한 동의를 거부할 권리가 있으나, 필수 항목에 동의하지 않으면 회원가입을 할 수 없습니다.
"""
YONGIN_GUARDIAN = """
법정대리인 동의

만 14세 미만의 사용자는 법정대리인의 동의와 본인확인이 필요합니다(개인정보 보호법 제22조의2).
보호자(법정대리인)는 본인 명의의 휴대폰, 아이핀 또는 카드로 본인확인을 하여, 자녀의 회원가입과 개인정보 수집·이용에 동의합니다.

- 수집·이용 목적: 법정대리인 동의 여부 확인, 어린이회원 관련 안내 및 연락
- 수집 항목: 법정대리인 성명, 휴대폰번호, 본인확인 결과(연계정보 CI)
- 보유 및 이용 기간: 어린이회원의 탈퇴 시까지. 다만 동의 기록은 관계 법령에 따라 보관합니다.

법정대리인은 동의를 거부할 권리가 있으나, 동의하지 않으면 만 14세 미만 어린이의 회원가입이 불가능합니다. 구비서류를 지참하여 도서관 자료실을 방문하면 보호자(법정대리인)의 확인을 받을 수 있습니다.
"""
YONGIN_SMS = """
SMS 수신 동의(선택)

- 수집·이용 목적: 반납일 안내, 연체 안내, 도서 예약 안내 등 도서관 소식 문자 발송
- 수집 항목: 휴대폰번호
- 보유 및 이용 기간: 동의 철회 또는 회원 탈퇴 시까지

동의를 거부할 권리가 있으며, 동의하지 않아도 회원가입은 가능합니다. 다만 SMS 수신에 동의하지 않을 경우 반납일 안내, 연체 안내, 도서 예약 안내 서비스가 제한되어 도서관 이용이 불편하실 수 있습니다(미동의시 도서대출/반납/예약 등의 문자발송 서비스가 제공되지 않습니다).
동의는 로그인 후 언제든지 철회하실 수 있으며, 정보통신망법 제50조제8항에 따라 2년마다 수신동의 여부를 안내해 드립니다.
"""
YONGIN_MOIS = """
개인정보 제공 동의(비대면 자격확인)

도서관에 직접 방문하지 않고 행정안전부의 비대면 자격확인 서비스를 이용하여 온라인 시민 인증을 통해 회원증을 발급하거나(온라인 정회원 신청, 경기도민) 다자녀가정 회원으로 전환(용인시민)하기 위한 동의입니다.

관련 근거
- 전자정부법 제8조(구비서류의 전자적 확인 등)
- 전자정부법 제9조(방문에 의하지 아니하는 민원처리)
- 전자정부법 제12조(행정정보의 전자적 제공)
- 전자정부법 제36조(행정정보의 효율적 관리 및 이용)
- 전자정부법 시행령 제90조(민감정보 및 고유식별정보의 처리)
- 개인정보보호법 제18조(개인정보의 목적 외 이용·제공 제한)

- 제공기관: 행정안전부 행정정보공동이용
- 제공정보: 주민등록번호
- 제공목적: 거주지 확인(온라인 정회원: 경기도, 다자녀가정: 용인시), 자녀수, 막내자녀 나이 확인
- 제공정보 보유 및 이용 기간: 자격확인 후 즉시 파기

※ 동의하지 않을 경우 온라인 회원증 발급이 불가하니 도서관에 방문하여 회원증을 발급하시기 바랍니다.

본인은 위 정보를 비대면 자격확인 조회를 위하여 개인정보를 처리하는 것에 동의합니다.
"""
YONGIN = [
    _doc("terms", "용인시도서관 이용약관", YONGIN_TERMS, required=True, kinds=YONGIN_KINDS),
    _doc(
        "privacy", "개인정보 수집 및 이용 동의", YONGIN_PRIVACY, required=True, kinds=YONGIN_KINDS
    ),
    _doc(
        "legal_representative",
        "법정대리인 동의",
        YONGIN_GUARDIAN,
        required=True,
        kinds=("child",),
    ),
    _doc(
        "sms_marketing",
        "SMS 수신 동의",
        YONGIN_SMS,
        required=False,
        kinds=YONGIN_KINDS,
        is_marketing=True,
        channel="sms",
    ),
    _doc(
        "email_marketing",
        "이메일 수신 동의",
        _marketing_body("용인시도서관", "이메일", "이메일 주소", "도서관 소식 및 행사"),
        required=False,
        kinds=YONGIN_KINDS,
        is_marketing=True,
        channel="email",
    ),
    _doc(
        "mois_eligibility",
        "개인정보 제공 동의(행정안전부 비대면 자격확인)",
        YONGIN_MOIS,
        required=True,
        kinds=YONGIN_KINDS,
        scope="library_upgrade",
    ),
]

# --- onnuri-biz (manual 004: 서비스 약관 동의; "BC카드(제3자)에 개인정보가 제공됩니다") ----

ONNURI_KINDS = ("corporate_manager",)
ONNURI_TERMS = """
기업전용 온누리상품권 서비스 이용약관

제1조(목적)
이 약관은 기업전용 온누리상품권 서비스(이하 "서비스"라 합니다)의 기업 회원가입, 관리자 초대, 계좌 등록, 상품권 구매·환불 및 발송의 이용 조건과 절차를 정합니다.

제2조(회원가입)
기업 회원가입은 사업자 정보와 증빙서류를 제출하고, 담당자 정보 입력 및 담당자 본인확인 후 이 약관에 동의하여 신청하며, 운영자의 승인 후 가입 완료 안내 문자를 받으면 로그인할 수 있습니다.

제3조(구매 및 계좌이체)
상품권 구매대금의 계좌이체는 반드시 등록된 기업 계좌로 진행하여야 하며(무통장입금 불가), 보내는 사람은 법인명(사업자명)과 동일하여야 합니다. 구매한도, 할인한도, 할인율은 소상공인시장진흥공단 담당자와 협의합니다.

이 약관에 동의하지 않으실 수 있으나, 동의하지 않으면 회원가입을 할 수 없습니다.
"""
ONNURI_PRIVACY = """
개인정보 수집·이용 동의

- 수집·이용 목적: 기업 회원가입 및 담당자 본인확인, 관리자 계정 관리, 상품권 구매·환불·발송 처리, 서비스 관련 안내
- 수집 항목(필수): 담당자명, 근무부서, 직급, 이메일, 아이디, 비밀번호, 국적, 생년월일, 성별, 통신사, 휴대폰번호, 본인인증 연계정보(CI)·중복가입확인정보(DI)
- 보유 및 이용 기간: 회원 탈퇴 시까지. 다만 전자상거래 등에서의 소비자보호에 관한 법률 등 관계 법령에 따라 보존할 필요가 있는 정보는 해당 기간 동안 보관합니다.

개인정보 수집·이용에 대한 동의를 거부할 권리가 있으나, 동의를 거부하면 회원가입 및 서비스 이용이 불가능합니다.
"""
ONNURI_BC_CARD = """
개인정보 제3자 제공 동의(BC카드)

기업전용 온누리상품권 구매, 환불 등 서비스 이용시 BC카드(제3자)에 개인정보가 제공됩니다.

- 제공받는 자: 비씨카드(주)
- 제공 목적: 온누리상품권 구매·환불·발송 처리 및 구매대금 입금 확인·정산
- 제공 항목: 법인명(상호명), 사업자등록번호, 담당자명, 휴대폰번호, 이메일, 등록 계좌정보(은행, 계좌번호, 예금주), 구매·발송 내역
- 보유 및 이용 기간: 제공 목적 달성 시까지. 다만 관계 법령에 따라 보존할 필요가 있는 정보는 해당 기간 동안 보관합니다.

개인정보 제3자 제공에 대한 동의를 거부할 권리가 있으나, 동의를 거부하면 상품권 구매, 환불 등 서비스를 이용할 수 없으므로 회원가입이 불가능합니다.
"""
ONNURI = [
    _doc("terms", "서비스 이용약관", ONNURI_TERMS, required=True, kinds=ONNURI_KINDS),
    _doc("privacy", "개인정보 수집·이용 동의", ONNURI_PRIVACY, required=True, kinds=ONNURI_KINDS),
    _doc(
        "bc_card_third_party",
        "개인정보 제3자 제공 동의(BC카드)",
        ONNURI_BC_CARD,
        required=True,
        kinds=ONNURI_KINDS,
    ),
    _doc(
        "marketing",
        "마케팅 정보 수신 동의",
        _marketing_body(
            "기업전용 온누리상품권", "이메일·SMS", "이메일 주소, 휴대폰번호", "이벤트·혜택 안내"
        ),
        required=False,
        kinds=ONNURI_KINDS,
        is_marketing=True,
    ),
]

DOCUMENTS: dict[str, list[dict]] = {
    "incheon-water": INCHEON,
    "animal-protection": ANIMAL,
    "yongin-library": YONGIN,
    "onnuri-biz": ONNURI,
}
