// Small built-in word lists for believable demo data (no faker, no network).

export const FIRST_NAMES = [
  "Olivia", "Liam", "Emma", "Noah", "Ava", "Oliver", "Sophia", "Elijah", "Isabella", "James",
  "Mia", "William", "Amelia", "Benjamin", "Harper", "Lucas", "Evelyn", "Henry", "Abigail", "Theodore",
  "Emily", "Jack", "Ella", "Levi", "Scarlett", "Alexander", "Grace", "Mateo", "Chloe", "Daniel",
  "Camila", "Michael", "Aria", "Mason", "Luna", "Sebastian", "Zoe", "Ethan", "Nora", "Samuel",
  "Hannah", "David", "Lily", "Joseph", "Layla", "Carter", "Priya", "Arjun", "Mei", "Hiroshi",
  "Fatima", "Omar", "Sofia", "Diego", "Ingrid", "Lars", "Chiara", "Marco", "Aisha", "Kwame",
  "Nadia", "Tomas", "Elena", "Rafael", "Yuki", "Ananya", "Gabriel", "Leila", "Jonas", "Clara",
] as const;

export const LAST_NAMES = [
  "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
  "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
  "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
  "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
  "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
  "Patel", "Kim", "Chen", "Singh", "Okafor", "Larsen", "Rossi", "Novak", "Schmidt", "Dubois",
  "Kowalski", "Haddad", "Tanaka", "Silva", "Murphy", "O'Brien", "Fischer", "Lindqvist", "Mensah", "Costa",
] as const;

export const COMPANY_PREFIXES = [
  "Northwind", "Bluebird", "Summit", "Riverbend", "Ironwood", "Cedar", "Harbor", "Keystone", "Lakeside", "Redwood",
  "Silverline", "Brightpath", "Granite", "Evergreen", "Copperfield", "Maple", "Oakridge", "Pinecrest", "Starlight", "Westbrook",
  "Meridian", "Atlas", "Beacon", "Crescent", "Falcon", "Horizon", "Juniper", "Lighthouse", "Orchard", "Pioneer",
  "Quarry", "Sterling", "Tidewater", "Upland", "Vantage", "Willow", "Aspen", "Bayview", "Clearwater", "Driftwood",
] as const;

export const COMPANY_NOUNS_SMB = [
  "Bakery", "Dental", "Florists", "Fitness", "Auto Repair", "Coffee", "Bookshop", "Plumbing", "Landscaping", "Print Shop",
  "Veterinary", "Outfitters", "Design Studio", "Electric", "Catering", "Salon", "Pharmacy", "Hardware",
] as const;

export const COMPANY_NOUNS_MID = [
  "Logistics", "Manufacturing", "Health", "Software", "Foods", "Engineering", "Media", "Supply", "Consulting", "Labs",
  "Analytics", "Energy", "Packaging", "Distribution", "Hospitality",
] as const;

export const COMPANY_NOUNS_ENT = [
  "Holdings", "Group", "Industries", "Systems", "Global", "Financial", "Technologies", "Pharmaceuticals", "Networks", "Partners",
] as const;

export const COMPANY_SUFFIXES = ["", "", "", " Inc", " LLC", " & Co", " Ltd"] as const;

export const CITIES = [
  "Seattle", "Denver", "Austin", "Chicago", "Boston", "Atlanta", "Portland", "Phoenix", "Minneapolis", "Nashville",
  "San Diego", "Raleigh", "Columbus", "Salt Lake City", "Pittsburgh", "Tampa", "Kansas City", "Sacramento",
] as const;

export const AREA_CODES = [206, 303, 512, 312, 617, 404, 503, 602, 612, 615, 619, 919, 614, 801, 412, 813, 816, 916] as const;

export const WEB_PAGES = [
  "/pricing", "/products", "/products/analytics", "/products/support-plus", "/case-studies", "/blog", "/docs", "/contact", "/integrations",
] as const;

export const EMAIL_CAMPAIGNS = [
  "spring-newsletter", "product-update", "webinar-invite", "customer-stories", "quarterly-review", "new-features", "holiday-offer",
] as const;

export const TICKET_SUBJECTS = [
  "Invoice shows the wrong amount", "Cannot log in to the portal", "Delivery arrived damaged", "Question about renewal terms",
  "Export to CSV fails", "Need to add a user", "Order delayed", "Integration stopped syncing", "Wrong item shipped", "Password reset email not arriving",
] as const;

export const MEETING_TITLES = ["Quarterly business review", "Product demo", "Onboarding session", "Account review", "Roadmap walkthrough", "Pricing discussion"] as const;

export const EMAIL_SUBJECTS = ["Following up", "Quick question", "Your account", "New catalogue", "Checking in", "Meeting notes", "Proposal attached"] as const;

export const CALL_OUTCOMES = ["connected", "voicemail", "connected", "no_answer", "connected"] as const;
