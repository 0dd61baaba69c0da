"""The demo question banks' content: original questions for a fictional center.

Plain data, read by training.demo. The companies (滨江电力, 滨江水务, 滨江通信;
Binjiang Power, Water, Telecom), agent numbers and figures are invented. Where
a question cites a regulation, the explanation names it.

Answers are stored the way Question stores them: ``correct`` holds option
indexes for single and multiple choice (0 = the first option), ``TRUE`` or
``FALSE`` for true-or-false, and the accepted texts for a typed answer.
A question is known by its bank and prompt, so editing a prompt here makes a
new question on the next load (the old one stays, as a trainer's own).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from training.models import QuestionKind

SINGLE = QuestionKind.SINGLE
MULTIPLE = QuestionKind.MULTIPLE
TRUE_FALSE = QuestionKind.TRUE_FALSE
TEXT = QuestionKind.TEXT
TRUE = (0,)
FALSE = (1,)


@dataclass(frozen=True)
class DemoQuestion:
    category: str
    kind: str
    prompt: str
    correct: tuple
    explanation: str
    options: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class DemoBank:
    name: str
    description: str
    language: str
    categories: tuple[str, ...]
    questions: tuple[DemoQuestion, ...]


# 业务知识 ------------------------------------------------------------------
BUSINESS = "业务知识"
ZH_BUSINESS = (
    DemoQuestion(
        category=BUSINESS,
        kind=SINGLE,
        prompt="客户来电说家里突然停电了，座席首先应当做什么？",
        options=(
            "查询客户所在区域有没有计划停电或故障停电信息",
            "立即派单，安排抢修人员上门",
            "请客户自己打开电表箱检查线路",
            "告诉客户耐心等待来电",
        ),
        correct=(0,),
        explanation=(
            "先查停电信息：如果是计划停电或片区故障，可以直接告诉客户原因和"
            "预计恢复时间；没有停电信息时，再请客户确认邻居是否有电、自家"
            "空气开关是否跳闸，然后决定是否派单。电表箱不应让客户自行打开。"
        ),
    ),
    DemoQuestion(
        category=BUSINESS,
        kind=TEXT,
        prompt=(
            "客户家电表（倍率为 1）上月读数为 3080，本月读数为 3260。"
            "本月用电量是多少千瓦时？（只填数字）"
        ),
        correct=("180", "180千瓦时", "180度"),
        explanation=(
            "用电量 = 本月读数 − 上月读数 = 3260 − 3080 = 180 千瓦时，"
            "也就是 180 度。向客户解释账单时，先把两次读数念给客户听。"
        ),
    ),
    DemoQuestion(
        category=BUSINESS,
        kind=SINGLE,
        prompt=(
            "按照《电力供应与使用条例》，因供电设施计划检修需要停电时，"
            "供电企业应当至少提前多久通知用户或进行公告？"
        ),
        options=("24 小时", "3 天", "7 天", "15 天"),
        correct=(2,),
        explanation=(
            "计划检修停电应提前 7 天通知或公告；临时检修需要停电的，"
            "应提前 24 小时通知重要用户。客户问起时，可以告诉他公告的"
            "查询渠道。"
        ),
    ),
    DemoQuestion(
        category=BUSINESS,
        kind=SINGLE,
        prompt=(
            "按照《城市供水条例》，因工程施工、设备维修确需停止供水的，"
            "应当提前多久通知用水单位和个人？"
        ),
        options=("12 小时", "24 小时", "48 小时", "72 小时"),
        correct=(1,),
        explanation=(
            "计划停水应经主管部门批准并提前 24 小时通知；遇到灾害或紧急"
            "事故来不及提前通知的，应在抢修的同时通知，并尽快恢复供水。"
        ),
    ),
    DemoQuestion(
        category=BUSINESS,
        kind=TEXT,
        prompt=(
            "高层住宅的客户反映楼上水压低、低层正常。高层住户的用水通常"
            "由水泵、水箱等设施加压后供给，这种供水方式叫什么？（填四个字）"
        ),
        correct=("二次供水",),
        explanation=(
            "二次供水设施一般由物业或专门单位管理。座席先确认问题范围"
            "（单户、整栋还是片区），判断是市政管网压力不足还是二次供水"
            "设施的问题，再派单或告知客户责任单位。"
        ),
    ),
    DemoQuestion(
        category=BUSINESS,
        kind=MULTIPLE,
        prompt=(
            "客户投诉“这个月电费比上个月高了一倍”。解释账单时，座席应当核对哪些信息？"
        ),
        options=(
            "本期与上期的电表读数和抄表日期",
            "本期用电量是否进入了阶梯电价的第二档或第三档",
            "本期抄表周期是否比上期长",
            "客户所在小区的物业费标准",
        ),
        correct=(0, 1, 2),
        explanation=(
            "电费变高，多半是用电量增加、抄表周期变长或跨入更高一档电价"
            "造成的。逐项核对后用具体数字向客户说明，比一句“系统没错”"
            "更有说服力。物业费与电费无关。"
        ),
    ),
    DemoQuestion(
        category=BUSINESS,
        kind=TRUE_FALSE,
        prompt="居民阶梯电价按用电量分档，用电量越高的档次，电价越高。",
        correct=TRUE,
        explanation=(
            "阶梯电价通常分三档：第一档保障基本生活用电，价格最低；"
            "超出部分按更高的档次计价。注意只有超出的那部分电量按高价计算，"
            "不是全部电量。"
        ),
    ),
    DemoQuestion(
        category=BUSINESS,
        kind=SINGLE,
        prompt=(
            "客户办理了月租 60 元的套餐，生效后当月还剩 15 天（当月共 30 天）。"
            "滨江通信规定首月月租按天折算，首月应收多少月租？"
        ),
        options=("15 元", "30 元", "45 元", "60 元"),
        correct=(1,),
        explanation=(
            "按天折算：60 元 ÷ 30 天 × 15 天 = 30 元。给客户讲清楚折算方法，"
            "可以避免客户看到首月账单时以为多收或少收了费用。"
        ),
    ),
    DemoQuestion(
        category=BUSINESS,
        kind=SINGLE,
        prompt="客户账单上有一项“套餐外流量费”，座席应当如何解释？",
        options=(
            "用完套餐内包含的流量后，超出部分按资费标准另外计收的费用",
            "系统扣错的费用，可以直接全额退还",
            "手机自动更新软件产生的罚款",
        ),
        correct=(0,),
        explanation=(
            "套餐外费用是超出套餐内容后按标准计收的。解释清楚后，可以帮客户"
            "查询近几个月的用量，推荐更合适的套餐或流量提醒服务。"
        ),
    ),
    DemoQuestion(
        category=BUSINESS,
        kind=SINGLE,
        prompt=(
            "按照《电信条例》，用户申告电信服务障碍的，城镇地区应当自接到"
            "申告之日起多长时间内修复或者调通？"
        ),
        options=("24 小时", "48 小时", "72 小时", "7 天"),
        correct=(1,),
        explanation=(
            "城镇 48 小时、农村 72 小时内修复或调通；不能按期修复的，"
            "应当及时通知用户。受理时要把时限告诉客户，并记录在工单上。"
        ),
    ),
    DemoQuestion(
        category=BUSINESS,
        kind=MULTIPLE,
        prompt="一份计划停电公告应当写清楚哪些内容？",
        options=(
            "停电的起止时间",
            "停电的范围（涉及的小区、街道）",
            "停电的原因（如线路检修）",
            "检修班组每位工人的手机号码",
        ),
        correct=(0, 1, 2),
        explanation=(
            "时间、范围、原因是客户最关心的三件事。工人的私人电话属于个人"
            "信息，不能公开；客户有疑问时，应引导其拨打客服热线。"
        ),
    ),
    DemoQuestion(
        category=BUSINESS,
        kind=TRUE_FALSE,
        prompt="客户反映自来水发黄，座席可以直接告诉客户“烧开就能喝”。",
        correct=FALSE,
        explanation=(
            "水质问题关系健康，座席不能凭经验下结论。应记录地址、发现时间和"
            "现象，建议客户暂不饮用、先放水观察，并派单给水质检测部门。"
        ),
    ),
    DemoQuestion(
        category=BUSINESS,
        kind=TEXT,
        prompt=(
            "把一天划分为用电高峰、低谷等时段并分别定价的电价制度，"
            "通常称为“____电价”。（填两个字）"
        ),
        correct=("峰谷", "分时"),
        explanation=(
            "峰谷电价（也叫分时电价）鼓励客户在低谷时段用电。客户问“为什么"
            "同样的电量电费不同”时，先问清他主要在哪些时段用电。"
        ),
    ),
)

# 服务规范 ------------------------------------------------------------------
NORMS = "服务规范"
TEN_HEARTS = (
    "本中心的“十心”服务规范：诚心、热心、专心、耐心、细心、宽心、虚心、"
    "真心、恒心、开心。"
)
ZH_NORMS = (
    DemoQuestion(
        category=NORMS,
        kind=SINGLE,
        prompt="接听来电时，下列哪一句开头语最规范？",
        options=(
            "“喂，什么事？”",
            "“您好，滨江客服中心 1024 号为您服务，请问有什么可以帮您？”",
            "“您好，请讲。”",
            "“请稍等，我先把上一张工单写完。”",
        ),
        correct=(1,),
        explanation=(
            "规范的开头语包含问候、单位名称、工号和主动询问四个要素：客户"
            "知道打到了哪里、是谁在服务，也感受到被欢迎。"
        ),
    ),
    DemoQuestion(
        category=NORMS,
        kind=SINGLE,
        prompt="需要让客户在线等待、查询资料时，下列哪种做法最恰当？",
        options=(
            "不作说明，直接静音去查",
            "先征得客户同意并说明大约要等多久，回来时感谢客户耐心等待",
            "请客户先挂机，查到后再说",
        ),
        correct=(1,),
        explanation=(
            "等待前征询、说明时长，等待后致谢，客户才不会以为电话断了。"
            "如果查询比预计的久，要中途回到线上说明进展。"
        ),
    ),
    DemoQuestion(
        category=NORMS,
        kind=TRUE_FALSE,
        prompt="通话结束时，座席应当等客户先挂机，再挂断电话。",
        correct=TRUE,
        explanation=(
            "客户常在道别前想起补充的问题。座席先挂机，既可能漏掉客户的问题，"
            "也会让客户觉得被匆匆打发。"
        ),
    ),
    DemoQuestion(
        category=NORMS,
        kind=SINGLE,
        prompt=(
            "客户第三次问同一个问题，座席仍然语气平和，换一种说法再解释一遍。"
            "这最直接地体现了“十心”中的哪一心？"
        ),
        options=("虚心", "开心", "耐心", "恒心"),
        correct=(2,),
        explanation=TEN_HEARTS
        + "反复询问往往说明前面的说法客户没听懂，换个说法比重复原话更有效。",
    ),
    DemoQuestion(
        category=NORMS,
        kind=SINGLE,
        prompt=(
            "受理报修时，座席逐字核对客户的户号和地址，确保一字不差。"
            "这最直接地体现了“十心”中的哪一心？"
        ),
        options=("热心", "真心", "宽心", "细心"),
        correct=(3,),
        explanation=TEN_HEARTS
        + "户号或地址错一个字，抢修人员就可能找错门，耽误的是客户的时间。",
    ),
    DemoQuestion(
        category=NORMS,
        kind=SINGLE,
        prompt=(
            "客户指出座席刚才把缴费截止日期说错了，座席诚恳道谢并马上更正。"
            "这最直接地体现了“十心”中的哪一心？"
        ),
        options=("虚心", "专心", "恒心", "热心"),
        correct=(0,),
        explanation=TEN_HEARTS + "虚心接受指正、当场更正，比辩解更能赢得客户的信任。",
    ),
    DemoQuestion(
        category=NORMS,
        kind=TEXT,
        prompt=(
            "通话时全神贯注地倾听，不边接电话边聊天，不做与通话无关的事。"
            "这体现了“十心”中的哪一心？（填两个字）"
        ),
        correct=("专心",),
        explanation=TEN_HEARTS + "客户能从停顿和答非所问中听出座席是否分心。",
    ),
    DemoQuestion(
        category=NORMS,
        kind=MULTIPLE,
        prompt="下列哪些属于本中心“十心”服务规范？",
        options=("诚心", "决心", "恒心", "开心", "雄心"),
        correct=(0, 2, 3),
        explanation=TEN_HEARTS + "决心和雄心是好品质，但不在“十心”之列。",
    ),
    DemoQuestion(
        category=NORMS,
        kind=SINGLE,
        prompt="客户口音较重，座席没有听清地址。下列哪种说法最恰当？",
        options=(
            "“您说的什么？我听不懂。”",
            "“不好意思，刚才没有听清，麻烦您再说一遍小区名称好吗？”",
            "“您能不能说普通话？”",
            "先凭猜测填写地址，稍后再核对",
        ),
        correct=(1,),
        explanation=(
            "把“没听清”归到自己身上，并具体说出需要重复的部分，客户不会"
            "觉得被指责，也更容易一次说清。地址绝不能靠猜。"
        ),
    ),
    DemoQuestion(
        category=NORMS,
        kind=TRUE_FALSE,
        prompt="为了显得亲切，座席可以称呼客户为“亲”或“老铁”。",
        correct=FALSE,
        explanation=(
            "网络用语不够庄重，也不是每位客户都能接受。规范称呼是"
            "“先生”“女士”，知道姓氏时称“王先生”“李女士”。"
        ),
    ),
    DemoQuestion(
        category=NORMS,
        kind=SINGLE,
        prompt="结束通话前，下列哪一句结束语最符合规范？",
        options=(
            "“没别的事我就挂了啊。”",
            "“好的好的，拜拜。”",
            "“请问还有其他可以帮您的吗？感谢您的来电，再见。”",
        ),
        correct=(2,),
        explanation=(
            "规范的结束语先确认客户没有其他需求，再致谢、道别，"
            "给客户留下有始有终的印象。"
        ),
    ),
    DemoQuestion(
        category=NORMS,
        kind=MULTIPLE,
        prompt="关于电话中的“微笑服务”，下列说法正确的是？",
        options=(
            "微笑着说话，语调会更柔和，客户能听得出来",
            "电话里客户看不到，所以表情不重要",
            "可以在工位放一面小镜子，提醒自己保持微笑",
            "微笑服务意味着处理投诉时也要笑出声来",
        ),
        correct=(0, 2),
        explanation=(
            "笑容会改变发声，客户在电话里听得出来。但微笑要与情境相称："
            "客户着急或生气时，笑出声会显得不尊重。"
        ),
    ),
    DemoQuestion(
        category=NORMS,
        kind=SINGLE,
        prompt="呼叫中心常用的服务水平指标“80/20”指的是什么？",
        options=(
            "80% 的来电在 20 秒内被接听",
            "80% 的客户给出 20 分以上的评价",
            "每个座席每天接听 80 通电话、休息 20 分钟",
            "80% 的问题在 20 分钟内解决",
        ),
        correct=(0,),
        explanation=(
            "服务水平衡量接通速度：在规定秒数内接起的来电占比。接得快，"
            "客户等待的焦躁少，座席接到的第一句话也会平和一些。"
        ),
    ),
)

# 投诉处理 ------------------------------------------------------------------
COMPLAINTS = "投诉处理"
ZH_COMPLAINTS = (
    DemoQuestion(
        category=COMPLAINTS,
        kind=SINGLE,
        prompt=(
            "客户一接通就大声指责：“你们三天两头停水，还让不让人过日子了！”"
            "座席第一步应当怎么做？"
        ),
        options=(
            "马上解释停水原因，纠正客户“三天两头”的说法",
            "提醒客户注意用语，否则将结束通话",
            "先耐心倾听，让客户把情绪和诉求说完，再表示理解",
            "立即转给班长处理",
        ),
        correct=(2,),
        explanation=(
            "客户情绪正盛时，解释和纠正都听不进去。先让客户说完，回应他的"
            "感受，再进入解决问题的环节，这就是“先处理心情，再处理事情”。"
        ),
    ),
    DemoQuestion(
        category=COMPLAINTS,
        kind=SINGLE,
        prompt="下列道歉用语中，最恰当的是哪一句？",
        options=(
            "“这不是我们的责任，是施工队弄的。”",
            "“您别激动，这种事很常见。”",
            "“对不起对不起，我也没办法。”",
            "“给您添麻烦了，真的很抱歉，我马上帮您查清楚。”",
        ),
        correct=(3,),
        explanation=(
            "好的道歉为客户的不便致歉，并紧跟一个具体行动。推卸责任、"
            "表示无能为力或淡化问题，都会让客户更生气。"
        ),
    ),
    DemoQuestion(
        category=COMPLAINTS,
        kind=TRUE_FALSE,
        prompt=(
            "为了尽快平息客户情绪，座席可以先答应客户“今天一定全额赔偿”，"
            "之后再向上级申请。"
        ),
        correct=FALSE,
        explanation=(
            "超出权限的承诺一旦兑现不了，就会引发第二次、更严重的投诉。"
            "只承诺自己做得到的事，例如“我今天下午五点前给您回电说明结果”。"
        ),
    ),
    DemoQuestion(
        category=COMPLAINTS,
        kind=MULTIPLE,
        prompt="投诉工单中必须准确记录哪些内容？",
        options=(
            "客户姓名和联系电话",
            "问题发生的详细地址",
            "客户的具体诉求",
            "座席对客户性格的评价",
        ),
        correct=(0, 1, 2),
        explanation=(
            "工单是后续处理部门了解情况的唯一依据：联系方式、地址和诉求"
            "缺一不可。工单要记录事实，不写对客户的主观评价。"
        ),
    ),
    DemoQuestion(
        category=COMPLAINTS,
        kind=TEXT,
        prompt=(
            "受理投诉后生成的、记录客户诉求并在部门之间流转、跟踪处理结果的"
            "单据叫什么？（填两个字）"
        ),
        correct=("工单",),
        explanation=(
            "工单把一通电话变成可追踪的任务：谁在处理、处理到哪一步、"
            "何时答复客户，都记录在上面。"
        ),
    ),
    DemoQuestion(
        category=COMPLAINTS,
        kind=SINGLE,
        prompt="下列哪种情况最应当及时升级，交班长或上级部门处理？",
        options=(
            "客户表示要向媒体曝光，且问题超出座席的处理权限",
            "客户询问本月账单金额",
            "客户要求修改预留的联系电话",
            "客户第一次咨询缴费方式",
        ),
        correct=(0,),
        explanation=(
            "有舆情风险、又超出自身权限的问题要及时升级，并把已经了解的情况"
            "完整交接，避免客户向下一个人重复讲一遍。"
        ),
    ),
    DemoQuestion(
        category=COMPLAINTS,
        kind=SINGLE,
        prompt="客户投诉“上周报修到现在都没人来”，座席查到工单已经超时，最恰当的处理是？",
        options=(
            "向客户致歉，催办工单，告诉客户明确的回复时间并按时回电",
            "告诉客户“系统显示已经派单了，您再等等”",
            "重新派一张新工单，不提原来那张工单",
        ),
        correct=(0,),
        explanation=(
            "超时是我们的问题，应当先致歉。催办原工单而不是另开一张，"
            "处理记录才连贯；给出明确时间并守时，才能挽回信任。"
        ),
    ),
    DemoQuestion(
        category=COMPLAINTS,
        kind=TRUE_FALSE,
        prompt="投诉“当日办结”的目标，是指受理当天就处理并给客户答复。",
        correct=TRUE,
        explanation=(
            "当日受理、当日处理、当日答复。确实无法当天解决的（如需要上门"
            "检修），也要在当天告诉客户进展和下一步的明确时间。"
        ),
    ),
    DemoQuestion(
        category=COMPLAINTS,
        kind=SINGLE,
        prompt="投诉处理中常说“先处理心情，再处理事情”，意思是？",
        options=(
            "客户情绪不好时，可以暂时不处理问题",
            "先安抚客户的情绪、建立信任，再着手解决具体问题",
            "只要客户心情好了，问题解没解决并不重要",
        ),
        correct=(1,),
        explanation=(
            "情绪平复后，客户才能听进解释、配合核实信息。安抚是解决问题的"
            "前提，不能代替解决问题。"
        ),
    ),
    DemoQuestion(
        category=COMPLAINTS,
        kind=MULTIPLE,
        prompt="下列哪些做法有助于平复愤怒客户的情绪？",
        options=(
            "复述客户的问题，确认自己理解得没错",
            "用“我理解您的着急”这样的话回应客户的感受",
            "打断客户，纠正他话里不准确的地方",
            "放慢语速，语调平稳",
        ),
        correct=(0, 1, 3),
        explanation=(
            "复述让客户感到被听见，回应感受让客户感到被理解，平稳的语速会"
            "带动客户慢下来。打断和纠正只会火上浇油。"
        ),
    ),
    DemoQuestion(
        category=COMPLAINTS,
        kind=SINGLE,
        prompt="座席承诺“两小时内给您回电”，两小时到了，问题还没有结果。座席应当？",
        options=(
            "等有了结果再打",
            "请同事代为打电话解释",
            "按时回电，说明目前的进展和下一次答复的时间",
        ),
        correct=(2,),
        explanation=(
            "回电承诺的是“两小时内联系您”，不是“两小时内解决”。按时回电，"
            "哪怕只是说明进展，也能让客户安心。"
        ),
    ),
    DemoQuestion(
        category=COMPLAINTS,
        kind=TEXT,
        prompt=(
            "客户第一次来电时问题就被彻底解决、不需要再次来电，这一比率称为"
            "“首次解决率”，它的英文缩写是什么？（三个字母）"
        ),
        correct=("FCR",),
        explanation=(
            "FCR 是 First Call Resolution 的缩写。重复来电的客户往往更生气，"
            "一次解决是减少投诉最有效的办法。"
        ),
    ),
    DemoQuestion(
        category=COMPLAINTS,
        kind=SINGLE,
        prompt="客户要求“让你们领导来接电话”，而这个问题座席完全可以处理。最恰当的回应是？",
        options=(
            "“理解您希望问题得到重视。我可以先帮您把问题处理好；如果您仍希望"
            "班长联系您，我马上为您登记。”",
            "不作说明，直接转接班长",
            "“领导很忙，没空接电话。”",
        ),
        correct=(0,),
        explanation=(
            "客户要找领导，通常是担心问题不被重视。先回应这份担心，展示自己"
            "解决问题的能力，同时尊重客户的选择，不拒绝也不推诿。"
        ),
    ),
)

# 情绪劳动 ------------------------------------------------------------------
EMOTION = "情绪劳动"
ZH_EMOTION = (
    DemoQuestion(
        category=EMOTION,
        kind=SINGLE,
        prompt="客户语速明显加快、音量升高，还多次打断座席，最可能说明客户处于什么情绪？",
        options=("平静", "愤怒或焦急", "愉快", "困倦"),
        correct=(1,),
        explanation=(
            "语速、音量和打断是识别情绪最直接的线索。听出客户着急后，"
            "先回应这份情绪，比直接回答问题更能让通话顺利进行。"
        ),
    ),
    DemoQuestion(
        category=EMOTION,
        kind=SINGLE,
        prompt=(
            "座席强压怒气、挤出笑声回应客户，但心里仍然非常生气。"
            "这种情绪调节方式叫什么？"
        ),
        options=("深层扮演", "情绪宣泄", "表层扮演", "自然流露"),
        correct=(2,),
        explanation=(
            "表层扮演只改变外在表情和语气，内心感受没有变化。偶尔使用无妨，"
            "长期表里不一会消耗大量心力。"
        ),
    ),
    DemoQuestion(
        category=EMOTION,
        kind=SINGLE,
        prompt=(
            "座席想到“要是我家停电一整天，我也会着急”，从而真正理解了客户，"
            "心里也平静下来。这属于哪种情绪调节方式？"
        ),
        options=("表层扮演", "情绪传染", "情绪压抑", "深层扮演"),
        correct=(3,),
        explanation=(
            "深层扮演通过换位思考等方法改变自己对情境的看法，使内心感受与"
            "表达趋于一致。它比硬撑出来的笑容更持久，也更少消耗。"
        ),
    ),
    DemoQuestion(
        category=EMOTION,
        kind=TRUE_FALSE,
        prompt="研究发现，长期依靠表层扮演比深层扮演更容易导致情绪耗竭。",
        correct=TRUE,
        explanation=(
            "表层扮演需要持续压住真实感受，与情绪耗竭、倦怠关系更密切；"
            "深层扮演则与更好的服务表现和较低的倦怠相关。"
        ),
    ),
    DemoQuestion(
        category=EMOTION,
        kind=TEXT,
        prompt=(
            "美国社会学家霍克希尔德提出：员工为了工作需要而管理自己的感受和"
            "表情，这种付出称为“情绪____”。（填两个字）"
        ),
        correct=("劳动",),
        explanation=(
            "情绪劳动和体力、脑力劳动一样会消耗人。认识到这一点，"
            "座席才会重视休息和恢复，而不是觉得“累是因为自己不够坚强”。"
        ),
    ),
    DemoQuestion(
        category=EMOTION,
        kind=TRUE_FALSE,
        prompt="客户在电话里辱骂座席，通常是冲着座席个人来的，座席应当把这些话当作对自己的评价。",
        correct=FALSE,
        explanation=(
            "客户发泄的多半是对问题和处境的不满，座席只是恰好接起了电话。"
            "对事不对人，才能既不被骂声刺伤，也不跟着动气。"
        ),
    ),
    DemoQuestion(
        category=EMOTION,
        kind=SINGLE,
        prompt="客户持续辱骂、进行人身攻击时，座席恰当的做法是？",
        options=(
            "平静地提醒客户文明用语；辱骂仍继续的，按中心规范礼貌结束通话，"
            "记录并报告班长",
            "默默忍受，无论多久都不作回应",
            "以牙还牙，让客户知道座席也有脾气",
            "直接挂断，不做任何记录",
        ),
        correct=(0,),
        explanation=(
            "座席不必无限度忍受辱骂。先提醒，再按规范结束通话，并如实记录、"
            "报告班长，既保护自己，也为后续处理留下依据。"
        ),
    ),
    DemoQuestion(
        category=EMOTION,
        kind=MULTIPLE,
        prompt="处理完一通很难的电话后，下列哪些做法有助于恢复状态？",
        options=(
            "做几次缓慢的深呼吸",
            "按规定申请短暂小休，离开座位喝口水",
            "向班长或同事简单讲讲刚才的经过",
            "在下一通电话里向客户抱怨上一位客户",
        ),
        correct=(0, 1, 2),
        explanation=(
            "呼吸放慢、短暂离开和说出来，都能帮助情绪回落。把上一通电话的"
            "情绪带进下一通，会让下一位客户无端承受。"
        ),
    ),
    DemoQuestion(
        category=EMOTION,
        kind=SINGLE,
        prompt="班长发现某位座席连续接了几通投诉电话后声音发紧、回答变得生硬，最恰当的做法是？",
        options=(
            "当着大家的面批评她态度不好",
            "及时关心，安排短暂休息，并一对一聊一聊",
            "让她继续接投诉电话，锻炼抗压能力",
            "先不管，下班就好了",
        ),
        correct=(1,),
        explanation=(
            "班长的情绪关怀贵在及时：现场观察、主动询问、一对一沟通。"
            "一次短暂的休息，往往能避免下一通电话里的冲突。"
        ),
    ),
    DemoQuestion(
        category=EMOTION,
        kind=MULTIPLE,
        prompt="下列哪些可以作为识别客户情绪的线索？",
        options=(
            "语速和音量的变化",
            "“又”“还是”“到底”这类用词",
            "叹气、停顿或长时间沉默",
            "来电号码的归属地",
        ),
        correct=(0, 1, 2),
        explanation=(
            "声音、用词和沉默都会透露情绪：“又停电了”里的“又”，说明客户"
            "不是第一次遇到。号码归属地说明不了客户的情绪。"
        ),
    ),
    DemoQuestion(
        category=EMOTION,
        kind=SINGLE,
        prompt="客户焦急地说：“我家老人在用制氧机，突然停电了怎么办？”座席首先应当如何回应？",
        options=(
            "“这是计划检修，公告早就发了。”",
            "“我理解您很担心老人，我马上帮您查恢复时间，并登记为紧急诉求。”",
            "“这个我们也没有办法。”",
        ),
        correct=(1,),
        explanation=(
            "先回应客户的担心，再给出具体行动。涉及生命安全时还应提醒客户："
            "老人情况不好要立即拨打 120。"
        ),
    ),
    DemoQuestion(
        category=EMOTION,
        kind=TRUE_FALSE,
        prompt="深层扮演意味着座席必须完全压抑真实感受，不能有任何负面情绪。",
        correct=FALSE,
        explanation=(
            "深层扮演是调整看待情境的角度，不是否认感受。有负面情绪很正常，"
            "通话后可以通过休息、倾诉等正当方式释放。"
        ),
    ),
    DemoQuestion(
        category=EMOTION,
        kind=TEXT,
        prompt="能站在客户的角度，感受并理解对方处境的能力，通常叫什么？（填三个字）",
        correct=("同理心",),
        explanation=(
            "同理心不等于同意客户的所有要求，而是让客户感到“你懂我”。"
            "有了这份感受，客户才愿意听座席的解释。"
        ),
    ),
)

# English --------------------------------------------------------------------
PRODUCTS = "Products and tariffs"
EN_PRODUCTS = (
    DemoQuestion(
        category=PRODUCTS,
        kind=SINGLE,
        prompt="A caller says the power has just gone off at home. What should the "
        "agent check first?",
        options=(
            "Whether the caller can open the meter box and inspect the wiring",
            "The caller's payment history for the past year",
            "Whether a planned or fault outage is already recorded for the "
            "caller's area",
        ),
        correct=(2,),
        explanation=(
            "If an outage is recorded, the agent can give the cause and the "
            "expected restoration time straight away. If not, ask whether the "
            "neighbours have power and whether the home's breaker has tripped "
            "before raising a repair order. Callers should never open the meter "
            "box."
        ),
    ),
    DemoQuestion(
        category=PRODUCTS,
        kind=TEXT,
        prompt="Last month the meter read 5420 kWh; this month it reads 5655 kWh. "
        "How many kWh were used this month? (number only)",
        correct=("235", "235 kWh"),
        explanation=(
            "Use = this reading − last reading = 5655 − 5420 = 235 kWh. Reading "
            "both figures to the caller is the quickest way to explain a bill."
        ),
    ),
    DemoQuestion(
        category=PRODUCTS,
        kind=SINGLE,
        prompt="Under tiered residential electricity pricing, what happens when a "
        "household's use passes the first tier's limit?",
        options=(
            "Only the kWh above the limit are charged at the higher rate",
            "Every kWh of the month is charged at the higher rate",
            "The price stays the same; tiers only affect the meter reading date",
        ),
        correct=(0,),
        explanation=(
            "Only the use above each limit is charged at the higher rate. Callers "
            "often believe the whole bill jumped to the top price; showing the "
            "split per tier settles it."
        ),
    ),
    DemoQuestion(
        category=PRODUCTS,
        kind=MULTIPLE,
        prompt="What should a planned power outage notice tell customers?",
        options=(
            "When the power will be off and back on",
            "Which streets and estates are affected",
            "Why (for example, line maintenance)",
            "The mobile numbers of the repair crew",
        ),
        correct=(0, 1, 2),
        explanation=(
            "When, where and why are what customers need to plan their day. "
            "Crew members' numbers are personal data; questions go to the "
            "hotline."
        ),
    ),
    DemoQuestion(
        category=PRODUCTS,
        kind=TRUE_FALSE,
        prompt="An agent may tell a caller whose tap water has turned yellow that it "
        "is safe to drink once boiled.",
        correct=FALSE,
        explanation=(
            "Water quality is a health matter, not a guess. Record the address, "
            "time and what the caller sees, advise them not to drink it for now, "
            "and send a work order to the water-quality team."
        ),
    ),
    DemoQuestion(
        category=PRODUCTS,
        kind=SINGLE,
        prompt="A plan costing 60 yuan a month starts with 15 days left in a 30-day "
        "month. Binjiang Telecom charges the first month by the day. What is the "
        "first month's fee?",
        options=("15 yuan", "30 yuan", "45 yuan", "60 yuan"),
        correct=(1,),
        explanation=(
            "60 yuan ÷ 30 days × 15 days = 30 yuan. Explaining the proration when "
            "the plan is sold saves a call when the first bill arrives."
        ),
    ),
    DemoQuestion(
        category=PRODUCTS,
        kind=SINGLE,
        prompt='What does "out-of-bundle data" on a mobile bill mean?',
        options=(
            "A billing error that will be refunded automatically",
            "Data used beyond the plan's allowance, charged at the tariff rate",
            "A fine for paying the bill late",
        ),
        correct=(1,),
        explanation=(
            "Once the allowance is used up, extra data is charged separately. "
            "After explaining, look at the caller's last few months of use: a "
            "bigger plan or a usage alert may save them money."
        ),
    ),
    DemoQuestion(
        category=PRODUCTS,
        kind=TEXT,
        prompt="Electricity priced differently at peak and off-peak hours is called "
        '"____-of-use" pricing. Type the missing word.',
        correct=("time",),
        explanation=(
            "Time-of-use pricing rewards moving use to cheaper hours. When a "
            "caller asks why the same kWh cost different amounts, ask when they "
            "mostly use power."
        ),
    ),
)

SERVICE_NORMS = "Service norms"
EN_TEN_HEARTS = (
    "The center's ten hearts of service: sincere, warm, focused, patient, careful, "
    "tolerant, humble, genuine, persevering, cheerful. "
)
EN_NORMS = (
    DemoQuestion(
        category=SERVICE_NORMS,
        kind=SINGLE,
        prompt="Which greeting follows the service norms best?",
        options=(
            '"Hello?"',
            '"Yes, what\'s the problem?"',
            '"Good morning, Binjiang Customer Service, agent 2051 speaking. '
            'How can I help you?"',
        ),
        correct=(2,),
        explanation=(
            "A good greeting has four parts: a greeting, the organisation, the "
            "agent's number and an offer to help. The caller knows where they "
            "are and who is helping them."
        ),
    ),
    DemoQuestion(
        category=SERVICE_NORMS,
        kind=SINGLE,
        prompt="The agent needs to look something up. How should they put the "
        "caller on hold?",
        options=(
            "Ask permission, say roughly how long it will take, and thank the "
            "caller for waiting when back",
            "Mute the line without a word and search",
            "Ask the caller to hang up and call back later",
        ),
        correct=(0,),
        explanation=(
            "Asking first and saying how long stops the caller thinking the line "
            "dropped. If it takes longer than promised, come back and say so."
        ),
    ),
    DemoQuestion(
        category=SERVICE_NORMS,
        kind=TRUE_FALSE,
        prompt="At the end of a call, the agent waits for the caller to hang up first.",
        correct=TRUE,
        explanation=(
            "Callers often remember one more question while saying goodbye. "
            "Hanging up first risks missing it and feels like being hurried off "
            "the line."
        ),
    ),
    DemoQuestion(
        category=SERVICE_NORMS,
        kind=SINGLE,
        prompt="A caller asks the same question for the third time, and the agent "
        "calmly explains it again in different words. Which of the ten hearts "
        "does this show most directly?",
        options=("Humble", "Cheerful", "Patient", "Persevering"),
        correct=(2,),
        explanation=EN_TEN_HEARTS
        + "A repeated question usually means the first answer did not land; new "
        "words work better than the same words louder.",
    ),
    DemoQuestion(
        category=SERVICE_NORMS,
        kind=MULTIPLE,
        prompt="Which of these are among the center's ten hearts of service?",
        options=("Sincere", "Ambitious", "Careful", "Humble", "Competitive"),
        correct=(0, 2, 3),
        explanation=EN_TEN_HEARTS
        + "Ambition and competitiveness have their place, but not on this list.",
    ),
    DemoQuestion(
        category=SERVICE_NORMS,
        kind=TEXT,
        prompt='The service level target "80/20" means 80% of calls are answered '
        "within how many seconds? (number only)",
        correct=("20", "20 seconds"),
        explanation=(
            "Service level measures how fast calls are picked up. Shorter waits "
            "mean calmer callers, and a calmer first sentence for the agent."
        ),
    ),
    DemoQuestion(
        category=SERVICE_NORMS,
        kind=SINGLE,
        prompt="The agent did not catch the caller's address. What is the best "
        "thing to say?",
        options=(
            '"You\'re not speaking clearly."',
            "\"Sorry, I didn't quite catch the street name. Could you say it "
            'once more?"',
            "Nothing: type a best guess and check it later",
        ),
        correct=(1,),
        explanation=(
            "Taking the blame for not hearing, and naming the part to repeat, "
            "gets the address right without making the caller feel at fault. "
            "Never guess an address."
        ),
    ),
    DemoQuestion(
        category=SERVICE_NORMS,
        kind=TRUE_FALSE,
        prompt="Smiling while speaking changes how the voice sounds, and callers "
        "can hear it.",
        correct=TRUE,
        explanation=(
            "A smile shapes the voice and listeners pick it up. Match it to the "
            "moment, though: a cheerful tone with a worried caller sounds "
            "careless."
        ),
    ),
)

COMPLAINT_HANDLING = "Complaint handling"
EN_COMPLAINTS = (
    DemoQuestion(
        category=COMPLAINT_HANDLING,
        kind=SINGLE,
        prompt='A caller starts by shouting: "Your water is off every other day!" '
        "What should the agent do first?",
        options=(
            '"Actually, it has only been off twice this month."',
            "Transfer them to the team leader at once",
            "Warn them that the call will end if they keep shouting",
            "Let them finish, listen, and acknowledge how they feel",
        ),
        correct=(3,),
        explanation=(
            "An upset caller cannot hear facts yet. Let them finish, acknowledge "
            "the feeling, then move to the problem: calm the person, then solve "
            "the issue."
        ),
    ),
    DemoQuestion(
        category=COMPLAINT_HANDLING,
        kind=SINGLE,
        prompt="Which apology is best?",
        options=(
            '"It\'s not our fault, the contractor did it."',
            '"Calm down, this happens all the time."',
            "\"I'm sorry this has caused you so much trouble. Let me look into "
            'it right now."',
        ),
        correct=(2,),
        explanation=(
            "A good apology owns the inconvenience and is followed by an action. "
            "Blaming others or playing the problem down makes callers angrier."
        ),
    ),
    DemoQuestion(
        category=COMPLAINT_HANDLING,
        kind=TRUE_FALSE,
        prompt="To calm a caller quickly, an agent may promise full compensation "
        "today and ask a supervisor for approval afterwards.",
        correct=FALSE,
        explanation=(
            "A promise beyond your authority that is then broken causes a second, "
            "worse complaint. Promise only what you control, such as a callback "
            "by a set time."
        ),
    ),
    DemoQuestion(
        category=COMPLAINT_HANDLING,
        kind=MULTIPLE,
        prompt="What must a complaint work order record accurately?",
        options=(
            "The caller's name and contact number",
            "The address where the problem is",
            "What exactly the caller is asking for",
            "The agent's opinion of the caller's personality",
        ),
        correct=(0, 1, 2),
        explanation=(
            "The next team knows only what the work order says: contact, address "
            "and request are all essential. Record facts, not opinions about the "
            "caller."
        ),
    ),
    DemoQuestion(
        category=COMPLAINT_HANDLING,
        kind=TEXT,
        prompt="A caller's problem is fully solved on their first call. Which "
        "three-letter abbreviation names the rate of such calls?",
        correct=("FCR",),
        explanation=(
            "First Call Resolution. Callers who have to ring again are angrier "
            "each time, so solving it once is the surest way to fewer complaints."
        ),
    ),
    DemoQuestion(
        category=COMPLAINT_HANDLING,
        kind=SINGLE,
        prompt="The agent promised a callback within two hours. Two hours have "
        "passed and there is no answer yet. What should the agent do?",
        options=(
            "Call on time, explain the progress so far and when the next update "
            "will come",
            "Wait until there is an answer, then call",
            "Ask a colleague to call instead",
        ),
        correct=(0,),
        explanation=(
            "The promise was to call, not to have solved it. Calling on time, "
            "even with only progress to report, keeps the caller's trust."
        ),
    ),
    DemoQuestion(
        category=COMPLAINT_HANDLING,
        kind=SINGLE,
        prompt="Which call most clearly needs escalating to the team leader?",
        options=(
            "A caller asks how much this month's bill is",
            "A caller threatens to go to the media about a problem beyond the "
            "agent's authority",
            "A caller wants to update their contact number",
        ),
        correct=(1,),
        explanation=(
            "Escalate when the risk is high and the fix is beyond your authority, "
            "and hand over everything you know so the caller need not repeat it."
        ),
    ),
    DemoQuestion(
        category=COMPLAINT_HANDLING,
        kind=TEXT,
        prompt="The record that carries a complaint between departments and is "
        'tracked until closed is called a "work ____". Type the missing word.',
        correct=("order",),
        explanation=(
            "A work order turns a phone call into a task with an owner, a status "
            "and a deadline, so nothing depends on someone's memory."
        ),
    ),
)

EMOTIONAL_LABOUR = "Emotional labour"
EN_EMOTION = (
    DemoQuestion(
        category=EMOTIONAL_LABOUR,
        kind=TEXT,
        prompt="An agent forces a cheerful tone while still feeling furious inside. "
        'This is called "____ acting". Type the missing word.',
        correct=("surface",),
        explanation=(
            "Surface acting changes only the outward expression. It is fine now "
            "and then; done all day, every day, it wears people out."
        ),
    ),
    DemoQuestion(
        category=EMOTIONAL_LABOUR,
        kind=SINGLE,
        prompt='An agent thinks, "If my power were off all day, I would be worried '
        'too," and genuinely calms down. What is this called?',
        options=("Deep acting", "Surface acting", "Suppression", "Venting"),
        correct=(0,),
        explanation=(
            "Deep acting changes how you see the situation, so what you feel and "
            "what you show come closer together. It lasts longer and costs less "
            "than a forced smile."
        ),
    ),
    DemoQuestion(
        category=EMOTIONAL_LABOUR,
        kind=TRUE_FALSE,
        prompt="Relying on surface acting for a long time is more closely linked "
        "to emotional exhaustion than deep acting is.",
        correct=TRUE,
        explanation=(
            "Holding down real feelings takes steady effort, and studies tie "
            "surface acting to exhaustion and burnout; deep acting is linked "
            "to better service and less burnout."
        ),
    ),
    DemoQuestion(
        category=EMOTIONAL_LABOUR,
        kind=TRUE_FALSE,
        prompt="When a caller swears at the agent, it is usually a verdict on the "
        "agent personally.",
        correct=FALSE,
        explanation=(
            "Callers are usually angry at the problem or their situation; the "
            "agent just happened to answer. Seeing this protects the agent "
            "without making them cold."
        ),
    ),
    DemoQuestion(
        category=EMOTIONAL_LABOUR,
        kind=MULTIPLE,
        prompt="Which of these help an agent recover after a very hard call?",
        options=(
            "A few slow, deep breaths",
            "A short break, where the rules allow one, to stand up and drink "
            "some water",
            "Telling the team leader or a colleague briefly what happened",
            "Complaining about the last caller to the next one",
        ),
        correct=(0, 1, 2),
        explanation=(
            "Slower breathing, a moment away and talking it through all help the "
            "feeling pass. Carrying it into the next call makes the next caller "
            "pay for it."
        ),
    ),
    DemoQuestion(
        category=EMOTIONAL_LABOUR,
        kind=MULTIPLE,
        prompt="Which of these are clues to a caller's emotion?",
        options=(
            "Changes in speed and volume",
            'Words such as "again", "still" or "how many times"',
            "Sighs, pauses or long silences",
            "The area code of the caller's number",
        ),
        correct=(0, 1, 2),
        explanation=(
            'Voice, words and silence all carry feeling: "the power is off '
            'again" tells you this is not the first time. An area code says '
            "nothing about mood."
        ),
    ),
    DemoQuestion(
        category=EMOTIONAL_LABOUR,
        kind=SINGLE,
        prompt="A caller keeps insulting the agent personally. What should the "
        "agent do?",
        options=(
            "Answer back in the same tone",
            "Put up with it in silence for as long as it lasts",
            "Calmly ask for civil language; if the abuse goes on, end the call "
            "politely as the center's rules say, record it and tell the team "
            "leader",
        ),
        correct=(2,),
        explanation=(
            "Agents do not have to take unlimited abuse. A warning, then a polite "
            "close, a record and a word with the team leader protect the agent "
            "and leave a trail for follow-up."
        ),
    ),
    DemoQuestion(
        category=EMOTIONAL_LABOUR,
        kind=SINGLE,
        prompt="A team leader notices an agent's voice has gone tight and curt "
        "after several complaint calls in a row. What is the best response?",
        options=(
            "Check in now, offer a short break and talk one to one",
            "Criticise the agent's attitude in front of the team",
            "Give the agent more complaint calls to build resilience",
        ),
        correct=(0,),
        explanation=(
            "Care works when it is quick: watch the floor, ask, talk one to one. "
            "A short break now often prevents a clash on the next call."
        ),
    ),
)

BANKS = (
    DemoBank(
        name="客服技能题库",
        description=(
            "滨江客服中心的演示题库：业务知识、服务规范、投诉处理和情绪劳动四个"
            "分类，单选、多选、判断、填空题型齐全。题目内容为原创，"
            "涉及的公司和号码均为虚构。"
        ),
        language="zh-hans",
        categories=(BUSINESS, NORMS, COMPLAINTS, EMOTION),
        questions=ZH_BUSINESS + ZH_NORMS + ZH_COMPLAINTS + ZH_EMOTION,
    ),
    DemoBank(
        name="Contact Center Basics",
        description=(
            "Demo bank of Binjiang Customer Service Center: products and tariffs, "
            "service norms, complaint handling and emotional labour, in every "
            "question type. Original questions; companies and numbers are "
            "invented."
        ),
        language="en",
        categories=(PRODUCTS, SERVICE_NORMS, COMPLAINT_HANDLING, EMOTIONAL_LABOUR),
        questions=EN_PRODUCTS + EN_NORMS + EN_COMPLAINTS + EN_EMOTION,
    ),
)
