import Foundation
import HaiheCore
import HaiheStore

/// The demo city's catalog: entries across every priority domain and department, with every share and
/// open type, legal bases where the regulation needs them, every lifecycle state, one entry whose data is
/// overdue and one draft that collects fields another department already publishes.
enum DemoCatalog {
    typealias F = FieldDefinition

    static let creditCode = F(name: "credit_code", labelZH: "统一社会信用代码", type: .text, description: "18位，末位为GB 32100校验码", required: true, uniqueKey: true,
                              pattern: "^[0-9A-HJ-NPQRTUWXY]{2}\\d{6}[0-9A-HJ-NPQRTUWXY]{10}$", standardCode: "DE0001",
                              identifier: .creditCode)
    static let companyName = F(name: "company_name", labelZH: "企业名称", type: .text, required: true, standardCode: "DE0002")
    static let district = F(name: "district", labelZH: "所属区", type: .text, description: "天津市16个区之一", allowedValues: ["和平区", "河东区", "河西区", "南开区", "河北区", "红桥区", "东丽区", "西青区", "津南区", "北辰区", "武清区", "宝坻区", "滨海新区", "宁河区", "静海区", "蓟州区"])
    static let idNumber = F(name: "id_number", labelZH: "公民身份号码", type: .text, required: true, uniqueKey: true, standardCode: "DE0100", personalInformation: true)
    static let personName = F(name: "person_name", labelZH: "姓名", type: .text, required: true, personalInformation: true)
    static let date = F(name: "record_date", labelZH: "日期", type: .date, description: "统计所属日期", required: true)

    struct Spec {
        let org: String
        let code: String
        let title: String
        let en: String
        let domain: Domain
        let type: ResourceType
        let fields: [F]
        let frequency: UpdateFrequency
        let share: ShareType
        let open: OpenType
        var basis: LegalBasis? = nil
        var status: EntryStatus = .published
        var keywords: [String] = []
        var formats: [String] = ["CSV", "JSON"]
    }

    static let privacy = LegalBasis(name: "中华人民共和国个人信息保护法", article: "第十三条、第三十四条", note: "涉及个人信息，仅向履行法定职责所必需的部门共享")
    static let dataSecurity = LegalBasis(name: "中华人民共和国数据安全法", article: "第二十一条", note: "重要数据分类分级保护")
    static let statistics = LegalBasis(name: "中华人民共和国统计法", article: "第九条、第三十九条")
    static let medical = LegalBasis(name: "医疗机构病历管理规定", article: "第六条")
    static let secrets = LegalBasis(name: "中华人民共和国保守国家秘密法", article: "第九条")

    static let specs: [Spec] = [
        // 企业登记监管 — the market regulator
        Spec(org: "scjg", code: "201005-00001", title: "企业登记基本信息", en: "Enterprise registration", domain: .enterpriseRegistration, type: .basic,
             fields: [creditCode, companyName, F(name: "legal_representative", labelZH: "法定代表人", type: .text),
                      F(name: "registered_capital", labelZH: "注册资本", type: .decimal, unit: "万元", description: "认缴注册资本", minimum: "1", maximum: "50000"), F(name: "established_on", labelZH: "成立日期", type: .date), district],
             frequency: .daily, share: .unconditional, open: .unconditional, keywords: ["企业", "登记", "市场主体"]),
        Spec(org: "scjg", code: "201005-00002", title: "企业年度报告公示信息", en: "Enterprise annual reports", domain: .enterpriseRegistration, type: .departmental,
             fields: [F(name: "uscc", labelZH: "统一社会信用代码", type: .text, required: true), F(name: "report_year", labelZH: "报告年度", type: .integer, minimum: "2018", maximum: "2025"), F(name: "employees", labelZH: "从业人数", type: .integer, unit: "人", minimum: "1", maximum: "3000")],
             frequency: .yearly, share: .unconditional, open: .unconditional),
        Spec(org: "scjg", code: "201005-00003", title: "经营异常名录", en: "Abnormal operation list", domain: .enterpriseRegistration, type: .thematic,
             fields: [creditCode, companyName, F(name: "reason", labelZH: "列入原因", type: .text, allowedValues: ["未按规定期限公示年度报告", "通过登记的住所无法联系", "公示信息隐瞒真实情况", "未在责令期限内公示信息"]), F(name: "listed_on", labelZH: "列入日期", type: .date)],
             frequency: .weekly, share: .unconditional, open: .unconditional),
        Spec(org: "scjg", code: "201005-00004", title: "食品经营许可证信息", en: "Food business licences", domain: .enterpriseRegistration, type: .departmental,
             fields: [F(name: "licence_no", labelZH: "许可证编号", type: .text, uniqueKey: true), companyName, F(name: "business_type", labelZH: "经营类型", type: .text, allowedValues: ["食品销售", "餐饮服务", "单位食堂", "网络食品销售"]), district, F(name: "valid_until", labelZH: "有效期至", type: .date)],
             frequency: .daily, share: .unconditional, open: .unconditional),
        Spec(org: "scjg", code: "201005-00005", title: "特种设备安全监察信息", en: "Special equipment inspections", domain: .enterpriseRegistration, type: .departmental,
             fields: [F(name: "equipment_code", labelZH: "设备代码", type: .text, uniqueKey: true), F(name: "inspected_on", labelZH: "检验日期", type: .date)],
             frequency: .monthly, share: .conditional, open: .notOpen, basis: dataSecurity),
        // 信用 — development and reform commission, and the court
        Spec(org: "fgw", code: "101002-00001", title: "行政许可和行政处罚信用信息", en: "Licensing and penalty credit records", domain: .credit, type: .thematic,
             fields: [F(name: "subject_code", labelZH: "主体统一社会信用代码", type: .text), F(name: "decision_no", labelZH: "决定文书号", type: .text, uniqueKey: true), F(name: "decision_type", labelZH: "决定类别", type: .text, allowedValues: ["行政许可", "行政处罚"]), F(name: "decided_on", labelZH: "决定日期", type: .date)],
             frequency: .daily, share: .unconditional, open: .unconditional, keywords: ["双公示", "信用"]),
        Spec(org: "fgw", code: "101002-00002", title: "守信激励对象名单", en: "Trustworthy entities list", domain: .credit, type: .thematic,
             fields: [F(name: "subject_code", labelZH: "主体代码", type: .text, description: "统一社会信用代码"), F(name: "list_type", labelZH: "名单类型", type: .text, allowedValues: ["A级纳税人", "守合同重信用企业", "海关高级认证企业", "诚信示范企业"]), F(name: "listed_on", labelZH: "列入日期", type: .date)],
             frequency: .monthly, share: .unconditional, open: .unconditional),
        Spec(org: "fgw", code: "101002-00003", title: "公共信用综合评价结果", en: "Public credit evaluations", domain: .credit, type: .thematic,
             fields: [F(name: "subject_code", labelZH: "主体代码", type: .text), F(name: "grade", labelZH: "信用等级", type: .text, allowedValues: ["A", "B", "C", "D"])],
             frequency: .quarterly, share: .conditional, open: .conditional, basis: LegalBasis(name: "天津市社会信用条例", article: "第二十一条")),
        Spec(org: "gy", code: "101003-00001", title: "失信被执行人名单", en: "Dishonest judgment debtors", domain: .credit, type: .thematic,
             fields: [F(name: "case_no", labelZH: "案号", type: .text, uniqueKey: true), F(name: "debtor_name", labelZH: "被执行人名称", type: .text), F(name: "court", labelZH: "执行法院", type: .text, allowedValues: ["天津市第一中级人民法院", "天津市第二中级人民法院", "天津市第三中级人民法院", "和平区人民法院", "滨海新区人民法院"]), F(name: "published_on", labelZH: "发布日期", type: .date)],
             frequency: .daily, share: .unconditional, open: .unconditional),
        // 交通
        Spec(org: "jtys", code: "301004-00001", title: "公交线路和站点信息", en: "Bus lines and stops", domain: .transport, type: .thematic,
             fields: [F(name: "line_no", labelZH: "线路编号", type: .text), F(name: "stop_name", labelZH: "站点名称", type: .text), district, F(name: "longitude", labelZH: "经度", type: .decimal, unit: "°", minimum: "116.7", maximum: "118.0"), F(name: "latitude", labelZH: "纬度", type: .decimal, unit: "°", minimum: "38.6", maximum: "40.2")],
             frequency: .monthly, share: .unconditional, open: .unconditional, keywords: ["公交", "bus"]),
        Spec(org: "jtys", code: "301004-00002", title: "道路运输经营许可信息", en: "Road transport permits", domain: .transport, type: .departmental,
             fields: [F(name: "permit_no", labelZH: "许可证号", type: .text, uniqueKey: true), creditCode, F(name: "scope", labelZH: "经营范围", type: .text, allowedValues: ["道路普通货物运输", "道路旅客运输", "危险货物运输", "机动车维修"]), F(name: "valid_until", labelZH: "有效期至", type: .date)],
             frequency: .weekly, share: .unconditional, open: .unconditional),
        Spec(org: "jtys", code: "301004-00003", title: "公共停车场泊位实时信息", en: "Car park availability", domain: .transport, type: .thematic,
             fields: [F(name: "park_id", labelZH: "停车场编号", type: .text), district, F(name: "free_spaces", labelZH: "空余泊位", type: .integer, unit: "个", minimum: "0", maximum: "400"), F(name: "observed_at", labelZH: "观测时间", type: .datetime)],
             frequency: .realTime, share: .unconditional, open: .unconditional, formats: ["JSON"]),
        Spec(org: "jtys", code: "301004-00004", title: "机动车驾驶人违法记录", en: "Driver offence records", domain: .transport, type: .departmental,
             fields: [idNumber, personName, F(name: "offence", labelZH: "违法行为", type: .text)],
             frequency: .daily, share: .conditional, open: .notOpen, basis: privacy),
        // 医疗
        Spec(org: "wjw", code: "401006-00001", title: "医疗机构基本信息", en: "Medical institutions", domain: .medical, type: .basic,
             fields: [F(name: "institution_code", labelZH: "机构代码", type: .text, uniqueKey: true), F(name: "institution_name", labelZH: "机构名称", type: .text), F(name: "grade", labelZH: "医院等级", type: .text, allowedValues: ["三级甲等", "三级乙等", "二级甲等", "二级乙等", "一级", "未定级"]), district],
             frequency: .monthly, share: .unconditional, open: .unconditional, keywords: ["医院", "hospital"]),
        Spec(org: "wjw", code: "401006-00002", title: "执业医师注册信息", en: "Registered physicians", domain: .medical, type: .departmental,
             fields: [F(name: "licence_no", labelZH: "执业证书编码", type: .text, uniqueKey: true), personName, F(name: "specialty", labelZH: "执业范围", type: .text, allowedValues: ["内科", "外科", "妇产科", "儿科", "眼耳鼻咽喉科", "口腔科", "中医"])],
             frequency: .monthly, share: .unconditional, open: .conditional, basis: privacy),
        Spec(org: "wjw", code: "401006-00003", title: "电子病历摘要", en: "Electronic medical record summaries", domain: .medical, type: .departmental,
             fields: [idNumber, F(name: "diagnosis", labelZH: "诊断", type: .text, personalInformation: true)],
             frequency: .realTime, share: .notShared, open: .notOpen, basis: medical),
        Spec(org: "wjw", code: "401006-00004", title: "传染病疫情统计", en: "Infectious disease statistics", domain: .medical, type: .thematic,
             fields: [date, F(name: "disease", labelZH: "病种", type: .text, allowedValues: ["流行性感冒", "手足口病", "其他感染性腹泻病", "水痘", "肺结核"]), F(name: "cases", labelZH: "病例数", type: .integer, unit: "例", minimum: "0", maximum: "300")],
             frequency: .weekly, share: .unconditional, open: .unconditional),
        // 就业、社保
        Spec(org: "rsj", code: "501007-00001", title: "招聘岗位信息", en: "Job vacancies", domain: .employment, type: .thematic,
             fields: [F(name: "job_id", labelZH: "岗位编号", type: .text, uniqueKey: true), companyName, F(name: "title", labelZH: "岗位名称", type: .text, allowedValues: ["软件工程师", "销售代表", "会计", "护士", "焊工", "物流专员", "教师", "客服专员"]), district, F(name: "salary_min", labelZH: "最低月薪", type: .integer, unit: "元", minimum: "2320", maximum: "30000")],
             frequency: .daily, share: .unconditional, open: .unconditional, keywords: ["招聘", "jobs"]),
        Spec(org: "rsj", code: "501007-00002", title: "职业技能培训机构", en: "Vocational training providers", domain: .employment, type: .departmental,
             fields: [creditCode, F(name: "provider_name", labelZH: "机构名称", type: .text), F(name: "trade", labelZH: "培训工种", type: .text, allowedValues: ["电工", "育婴员", "养老护理员", "中式烹调师", "电子商务师", "焊工"]), district],
             frequency: .quarterly, share: .unconditional, open: .unconditional),
        Spec(org: "rsj", code: "502007-00001", title: "社会保险参保信息", en: "Social insurance enrolment", domain: .socialSecurity, type: .basic,
             fields: [idNumber, personName, F(name: "insurance_type", labelZH: "险种", type: .text, allowedValues: ["基本养老保险", "基本医疗保险", "失业保险", "工伤保险"]), F(name: "enrolled_on", labelZH: "参保日期", type: .date)],
             frequency: .daily, share: .conditional, open: .notOpen, basis: privacy),
        Spec(org: "rsj", code: "502007-00002", title: "社会保障卡服务网点", en: "Social security card service points", domain: .socialSecurity, type: .thematic,
             fields: [F(name: "outlet_name", labelZH: "网点名称", type: .text), F(name: "address", labelZH: "地址", type: .text), district,
                      F(name: "outlet_type", labelZH: "网点类型", type: .text, allowedValues: ["银行网点", "社保经办机构", "街道便民服务中心"]),
                      F(name: "windows", labelZH: "服务窗口数", type: .integer, unit: "个", minimum: "1", maximum: "12")],
             frequency: .monthly, share: .unconditional, open: .unconditional),
        Spec(org: "rsj", code: "502007-00003", title: "养老金发放统计", en: "Pension payment statistics", domain: .socialSecurity, type: .thematic,
             fields: [date, district, F(name: "recipients", labelZH: "领取人数", type: .integer, unit: "人", minimum: "5000", maximum: "200000"), F(name: "amount", labelZH: "发放金额", type: .decimal, unit: "万元", minimum: "1000", maximum: "80000")],
             frequency: .monthly, share: .unconditional, open: .conditional, basis: statistics),
        // 教育
        Spec(org: "jw", code: "601008-00001", title: "中小学校基本信息", en: "Primary and secondary schools", domain: .education, type: .basic,
             fields: [F(name: "school_code", labelZH: "学校标识码", type: .text, uniqueKey: true), F(name: "school_name", labelZH: "学校名称", type: .text), F(name: "school_type", labelZH: "办学类型", type: .text, allowedValues: ["小学", "初级中学", "高级中学", "完全中学", "九年一贯制学校"]), district],
             frequency: .yearly, share: .unconditional, open: .unconditional, keywords: ["学校", "school"]),
        Spec(org: "jw", code: "601008-00002", title: "学生学籍信息", en: "Student enrolment records", domain: .education, type: .departmental,
             fields: [idNumber, personName, F(name: "school_code", labelZH: "学校标识码", type: .text)],
             frequency: .monthly, share: .conditional, open: .notOpen, basis: privacy),
        Spec(org: "jw", code: "601008-00003", title: "民办培训机构名录", en: "Private tutoring providers", domain: .education, type: .thematic,
             fields: [creditCode, F(name: "provider_name", labelZH: "机构名称", type: .text), F(name: "approved", labelZH: "是否审批", type: .boolean), district],
             frequency: .monthly, share: .unconditional, open: .unconditional),
        // 环境
        Spec(org: "sthj", code: "701009-00001", title: "空气质量自动监测数据", en: "Air quality monitoring", domain: .environment, type: .thematic,
             fields: [F(name: "station", labelZH: "监测站点", type: .text), F(name: "pm25", labelZH: "PM2.5浓度", type: .decimal, unit: "μg/m³", description: "小时均值", minimum: "3", maximum: "250"), F(name: "aqi", labelZH: "空气质量指数", type: .integer, description: "按HJ 633计算", minimum: "15", maximum: "300"), F(name: "observed_at", labelZH: "监测时间", type: .datetime)],
             frequency: .realTime, share: .unconditional, open: .unconditional, keywords: ["空气", "AQI"]),
        Spec(org: "sthj", code: "701009-00002", title: "重点排污单位名录", en: "Key polluting entities", domain: .environment, type: .thematic,
             fields: [creditCode, companyName, F(name: "pollutant", labelZH: "主要污染物", type: .text, allowedValues: ["化学需氧量", "氨氮", "二氧化硫", "氮氧化物", "颗粒物", "挥发性有机物"]), district],
             frequency: .yearly, share: .unconditional, open: .unconditional),
        Spec(org: "sthj", code: "701009-00003", title: "环境行政处罚信息", en: "Environmental penalties", domain: .environment, type: .departmental,
             fields: [F(name: "decision_no", labelZH: "处罚决定书文号", type: .text, uniqueKey: true), companyName, F(name: "fine", labelZH: "罚款金额", type: .decimal, unit: "元", minimum: "1000", maximum: "500000"), F(name: "decided_on", labelZH: "处罚日期", type: .date)],
             frequency: .weekly, share: .unconditional, open: .unconditional),
        Spec(org: "bhxq-sthj", code: "701009-00004", title: "滨海新区地表水水质监测", en: "Binhai surface water quality", domain: .environment, type: .thematic,
             fields: [F(name: "section", labelZH: "监测断面", type: .text), F(name: "water_class", labelZH: "水质类别", type: .text, allowedValues: ["I", "II", "III", "IV", "V", "劣V"])],
             frequency: .monthly, share: .unconditional, open: .unconditional),
        // 气象
        Spec(org: "qxj", code: "801010-00001", title: "逐小时天气实况", en: "Hourly weather observations", domain: .meteorology, type: .thematic,
             fields: [F(name: "station", labelZH: "气象站", type: .text), F(name: "temperature", labelZH: "气温", type: .decimal, unit: "℃", description: "距地面1.5米", minimum: "-12", maximum: "16"), F(name: "precipitation", labelZH: "降水量", type: .decimal, unit: "mm", description: "1小时累计", minimum: "0", maximum: "4"), F(name: "observed_at", labelZH: "观测时间", type: .datetime)],
             frequency: .realTime, share: .unconditional, open: .unconditional, keywords: ["天气", "weather"]),
        Spec(org: "qxj", code: "801010-00002", title: "气象灾害预警信号", en: "Weather warnings", domain: .meteorology, type: .thematic,
             fields: [F(name: "warning_type", labelZH: "预警类型", type: .text, allowedValues: ["暴雨", "大风", "寒潮", "大雾", "道路结冰", "霾"]), F(name: "level", labelZH: "预警级别", type: .text, allowedValues: ["蓝色", "黄色", "橙色", "红色"]), F(name: "issued_at", labelZH: "发布时间", type: .datetime)],
             frequency: .realTime, share: .unconditional, open: .unconditional),
        Spec(org: "qxj", code: "801010-00003", title: "雷达拼图原始数据", en: "Radar mosaic raw data", domain: .meteorology, type: .departmental,
             fields: [F(name: "scan_time", labelZH: "扫描时间", type: .datetime), F(name: "file_uri", labelZH: "文件地址", type: .text)],
             frequency: .realTime, share: .conditional, open: .notOpen, basis: secrets, formats: ["NetCDF"]),
        // 公共安全 / 基础
        Spec(org: "gaj", code: "901011-00001", title: "人口基础信息", en: "Population register", domain: .publicSecurity, type: .basic,
             fields: [idNumber, personName, F(name: "gender", labelZH: "性别", type: .text, allowedValues: ["男", "女"]), F(name: "household_address", labelZH: "户籍地址", type: .text, personalInformation: true)],
             frequency: .daily, share: .conditional, open: .notOpen, basis: privacy),
        Spec(org: "gaj", code: "901011-00002", title: "出入境证件办理网点", en: "Exit-entry service points", domain: .publicSecurity, type: .thematic,
             fields: [F(name: "outlet_name", labelZH: "网点名称", type: .text), F(name: "address", labelZH: "地址", type: .text), district, F(name: "service", labelZH: "办理业务", type: .text, allowedValues: ["护照", "往来港澳通行证", "往来台湾通行证", "外国人签证证件"])],
             frequency: .yearly, share: .unconditional, open: .unconditional),
        // 区级
        Spec(org: "hpq-scjg", code: "201005-00101", title: "和平区个体工商户登记信息", en: "Heping sole proprietors", domain: .enterpriseRegistration, type: .departmental,
             fields: [F(name: "registration_no", labelZH: "注册号", type: .text, uniqueKey: true), F(name: "trade_name", labelZH: "字号名称", type: .text), F(name: "industry", labelZH: "行业", type: .text, allowedValues: ["餐饮", "零售", "美容美发", "家电维修", "居民服务", "文化娱乐"]), F(name: "registered_on", labelZH: "登记日期", type: .date)],
             frequency: .weekly, share: .unconditional, open: .unconditional),
        // 社会数据 (Art. 27)
        Spec(org: "dl", code: "951012-00001", title: "全市分区用电量统计", en: "Electricity consumption by district", domain: .energy, type: .thematic,
             fields: [date, district, F(name: "consumption", labelZH: "用电量", type: .decimal, unit: "万千瓦时", minimum: "500", maximum: "60000")],
             frequency: .monthly, share: .unconditional, open: .unconditional, keywords: ["社会数据", "电力"]),
        // Entries in the other states of the lifecycle.
        Spec(org: "jtys", code: "301004-00005", title: "出租车运营轨迹", en: "Taxi trajectories", domain: .transport, type: .thematic,
             fields: [F(name: "vehicle_plate", labelZH: "车牌号", type: .text), F(name: "longitude", labelZH: "经度", type: .decimal), F(name: "latitude", labelZH: "纬度", type: .decimal)],
             frequency: .realTime, share: .unconditional, open: .unconditional, status: .draft),
        Spec(org: "wjw", code: "401006-00005", title: "预防接种门诊信息", en: "Vaccination clinics", domain: .medical, type: .thematic,
             fields: [F(name: "clinic_name", labelZH: "门诊名称", type: .text), F(name: "address", labelZH: "地址", type: .text)],
             frequency: .quarterly, share: .unconditional, open: .unconditional, status: .submitted),
        Spec(org: "jw", code: "601008-00004", title: "高校毕业生就业统计", en: "Graduate employment statistics", domain: .education, type: .thematic,
             fields: [F(name: "year", labelZH: "年度", type: .integer), F(name: "employment_rate", labelZH: "就业率", type: .decimal, unit: "%")],
             frequency: .yearly, share: .unconditional, open: .conditional, basis: statistics, status: .submitted),
        Spec(org: "sthj", code: "701009-00005", title: "噪声监测数据", en: "Noise monitoring", domain: .environment, type: .thematic,
             fields: [F(name: "station", labelZH: "监测点", type: .text), F(name: "db", labelZH: "等效声级", type: .decimal, unit: "dB")],
             frequency: .daily, share: .conditional, open: .unconditional, status: .returned),
        Spec(org: "qxj", code: "801010-00004", title: "农业气象旬报", en: "Agrometeorological bulletins", domain: .meteorology, type: .thematic,
             fields: [date, F(name: "bulletin", labelZH: "旬报内容", type: .text)],
             frequency: .irregular, share: .unconditional, open: .unconditional, status: .confirmed),
        Spec(org: "rsj", code: "501007-00003", title: "就业见习基地名单（旧）", en: "Internship bases (old)", domain: .employment, type: .departmental,
             fields: [creditCode, F(name: "base_name", labelZH: "基地名称", type: .text)],
             frequency: .yearly, share: .unconditional, open: .unconditional, status: .retired),
        // Collects fields the market regulator already publishes: the editor warns (Art. 19).
        Spec(org: "hpq-scjg", code: "201005-00102", title: "和平区企业名录（自建）", en: "Heping enterprise list (own collection)", domain: .enterpriseRegistration, type: .departmental,
             fields: [creditCode, companyName, F(name: "contact_phone", labelZH: "联系电话", type: .text)],
             frequency: .monthly, share: .unconditional, open: .unconditional, status: .draft),
    ]

    /// Writes the catalog inside the demo's transaction. `organizations` maps demo keys to organisation ids.
    static func load(organizations: [String: String], in session: any SQLSession, now: Date) async throws -> Int {
        let day: TimeInterval = 86_400
        for (index, spec) in specs.enumerated() {
            guard let providerID = organizations[spec.org] else { continue }
            let created = now.addingTimeInterval(-Double(120 - index) * day)
            var entry = CatalogEntry(id: Identifier.make(now: created), resourceCode: spec.code, title: spec.title, titleEN: spec.en,
                                     summary: "\(spec.title)。\(spec.en). 由\(spec.org == "dl" ? "社会数据提供单位" : "数据提供单位")按目录要求提供。",
                                     providerID: providerID, resourceType: spec.type, domain: spec.domain, keywords: spec.keywords,
                                     formats: spec.formats, fields: spec.fields, updateFrequency: spec.frequency,
                                     updateDeadlineDays: spec.frequency == .realTime ? nil : 5, shareType: spec.share,
                                     shareConditions: spec.share == .conditional ? "仅限履行法定职责需要，经提供单位审核" : nil,
                                     openType: spec.open, openConditions: spec.open == .conditional ? "实名申请，承诺用途后开放" : nil,
                                     // Data also open to the public carries the open licence's terms, not the sharing rule of Art. 18.
                                     usageRequirements: spec.open == .notOpen ? "按《天津市促进大数据发展应用条例》第十八条，仅用于本部门履行职责"
                                         : "使用时注明来源“天津市政务数据开放平台”及提供单位，不得歪曲数据原意",
                                     securityGrade: spec.share == .unconditional && spec.open == .unconditional ? .publicInfo : (spec.basis == secrets ? .restricted : .sensitive),
                                     contact: Contact(name: "数据管理员", phone: "022-2\(String(format: "%07d", 3_200_000 + index * 131))"),
                                     legalBasis: spec.basis, createdAt: created)
            entry.status = spec.status
            if spec.status != .draft { entry.submittedAt = created.addingTimeInterval(day) }
            if [.confirmed, .published, .retired].contains(spec.status) { entry.confirmedAt = created.addingTimeInterval(2 * day) }
            if [.published, .retired].contains(spec.status) {
                entry.publishedAt = created.addingTimeInterval(3 * day)
                entry.dataUpdatedAt = now.addingTimeInterval(-Double(index % 3) * 3_600)
            }
            if spec.status == .returned { entry.reviewComment = "有条件共享须提供法律依据和共享条件，请补充后重新提交" }
            // One published entry whose daily data stopped arriving ten days ago: it shows on the overdue list.
            if spec.code == "201005-00004" { entry.dataUpdatedAt = now.addingTimeInterval(-10 * day) }
            entry.updatedAt = entry.publishedAt ?? entry.submittedAt ?? created
            try await CatalogStore.importVersion(entry, in: session)
            if entry.status != .draft { try await CatalogStore.fileLegalBasis(entry, in: session, at: entry.submittedAt ?? created) }
        }
        // An entry with history: version 1 superseded by a published version 2 with one more field.
        guard let provider = organizations["fgw"] else { return specs.count }
        let created = now.addingTimeInterval(-200 * day)
        var v1 = CatalogEntry(id: Identifier.make(now: created), resourceCode: "101002-00004", title: "信用修复信息", titleEN: "Credit restoration records",
                              summary: "已完成信用修复的市场主体。Entities whose credit was restored.", providerID: provider, resourceType: .thematic,
                              domain: .credit, fields: [F(name: "subject_code", labelZH: "主体代码", type: .text), F(name: "restored_on", labelZH: "修复日期", type: .date)],
                              updateFrequency: .weekly, updateDeadlineDays: 2, shareType: .unconditional, openType: .unconditional, securityGrade: .publicInfo,
                              createdAt: created)
        v1.status = .superseded
        v1.publishedAt = created.addingTimeInterval(3 * day)
        try await CatalogStore.importVersion(v1, in: session)
        var v2 = try CatalogRules.revise({ var p = v1; p.status = .published; return p }(), at: now.addingTimeInterval(-20 * day))
        v2.fields.append(F(name: "restoration_method", labelZH: "修复方式", type: .text, allowedValues: ["信用承诺", "信用修复培训", "提交信用报告", "主动纠正失信行为"]))
        v2.status = .published
        v2.submittedAt = now.addingTimeInterval(-19 * day)
        v2.confirmedAt = now.addingTimeInterval(-18 * day)
        v2.publishedAt = now.addingTimeInterval(-17 * day)
        v2.dataUpdatedAt = now.addingTimeInterval(-day)
        try await CatalogStore.importVersion(v2, in: session)
        return specs.count + 2
    }
}
