package render

import (
	"testing"
)

// TestXSS pins exactly what survives of each attack. A change here is a
// change to the security policy: review it as one.
func TestXSS(t *testing.T) {
	r := New(Config{})
	tests := []struct {
		name, in, want string
	}{
		{"script tag", "<script>alert(1)</script>", ""},
		{"script uppercase with src", "<SCRIPT SRC=//evil.example/x.js></SCRIPT>", ""},
		{"img onerror", "<img src=x onerror=alert(1)>", "<img src=\"x\">"},
		{"body onload", "<body onload=alert(1)>", ""},
		{"div onmouseover", "<div onmouseover=\"alert(1)\">hover</div>", "<div>hover</div>"},
		{"self-closing img onerror", "<img src=\"x\" alt=\"x\" onerror=\"alert(1)\" />", "<img src=\"x\" alt=\"x\"/>"},
		{"backtick attribute values", "<img src=`x` onerror=`alert(1)`>", "<p>&lt;img src=<code>x</code> onerror=<code>alert(1)</code>&gt;</p>\n"},
		{"a href javascript", "<a href=\"javascript:alert(1)\">x</a>", "<p>x</p>\n"},
		{"img src javascript", "<img src=\"javascript:alert(1)\">", ""},
		{"decimal entity scheme", "<a href=\"&#106;avascript:alert(1)\">x</a>", "<p>x</p>\n"},
		{"padded decimal entity scheme", "<a href=\"&#0000106;avascript:alert(1)\">x</a>", "<p>x</p>\n"},
		{"hex entity scheme", "<a href=\"&#x6A;avascript:alert(1)\">x</a>", "<p>x</p>\n"},
		{"fully hex encoded scheme", "<a href=\"&#x6a;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3a;alert(1)\">x</a>", "<p>x</p>\n"},
		{"tab entity inside scheme", "<a href=\"jav&#x09;ascript:alert(1)\">x</a>", "<p>x</p>\n"},
		{"newline entity inside scheme", "<a href=\"jav&#x0A;ascript:alert(1)\">x</a>", "<p>x</p>\n"},
		{"named colon entity", "<a href=\"javascript&colon;alert(1)\">x</a>", "<p>x</p>\n"},
		{"mixed case scheme", "<a href=\"JaVaScRiPt:alert(1)\">x</a>", "<p>x</p>\n"},
		{"leading spaces before scheme", "<a href=\"  javascript:alert(1)\">x</a>", "<p>x</p>\n"},
		{"leading control character", "<a href=\"&#x01;javascript:alert(1)\">x</a>", "<p>x</p>\n"},
		{"vbscript", "<a href=\"vbscript:msgbox(1)\">x</a>", "<p>x</p>\n"},
		{"data text/html link", "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>", "<p>x</p>\n"},
		{"data png image allowed", "<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"dot\">", "<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"dot\">"},
		// SVG is refused even in <img>: opened on its own it is a document.
		{"data svg image refused", "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">", ""},
		{"data image not base64", "<img src=\"data:image/png,rawbytes\">", ""},
		// The scheme check cannot tell href from src; browsers do not
		// navigate to data: URLs and a PNG is not active content.
		{"data png link kept", "<a href=\"data:image/png;base64,iVBORw0KGgo=\">x</a>", "<p><a href=\"data:image/png;base64,iVBORw0KGgo=\">x</a></p>\n"},
		{"svg onload", "<svg onload=alert(1)>", ""},
		{"svg script", "<svg><script>alert(1)</script></svg>", "<p></p>\n"},
		{"svg xlink href", "<svg><a xlink:href=\"javascript:alert(1)\"><text x=\"20\" y=\"20\">XSS</text></a></svg>", "<p>XSS</p>\n"},
		{"svg animate onbegin", "<svg><animate onbegin=alert(1) attributeName=x dur=1s>", "<p></p>\n"},
		{"svg use data", "<svg><use href=\"data:image/svg+xml;base64,PHN2Zz4=#x\"></use></svg>", "<p></p>\n"},
		{"mathml mutation", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", "<p><table tabindex=\"0\">"},
		{"mathml href", "<math href=\"javascript:alert(1)\">CLICK</math>", "<p>CLICK</p>\n"},
		{"iframe srcdoc", "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>", ""},
		{"iframe src", "<iframe src=\"https://evil.example/\"></iframe>", ""},
		{"form button formaction", "<form><button formaction=\"javascript:alert(1)\">go</button></form>", "go"},
		{"form action", "<form action=\"javascript:alert(1)\"><input type=submit value=go></form>", ""},
		{"input formaction", "<input type=\"submit\" formaction=\"javascript:alert(1)\">", ""},
		{"input autofocus onfocus", "<input autofocus onfocus=alert(1)>", ""},
		{"text input", "<input type=\"text\" value=\"x\" disabled>", ""},
		{"enabled checkbox", "<input type=\"checkbox\" checked>", ""},
		{"disabled checkbox with handler", "<input type=\"checkbox\" disabled onclick=\"alert(1)\">", "<input type=\"checkbox\" disabled=\"\">"},
		{"style attribute expression", "<div style=\"width: expression(alert(1))\">x</div>", "<div>x</div>"},
		{"style attribute url", "<p style=\"background:url(javascript:alert(1))\">x</p>", "<p>x</p>"},
		{"style tag", "<style>@import \"https://evil.example/x.css\";</style>", ""},
		{"link stylesheet", "<link rel=\"stylesheet\" href=\"https://evil.example/x.css\">", ""},
		{"meta refresh", "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">", ""},
		{"base href", "<base href=\"https://evil.example/\">", ""},
		{"object", "<object data=\"javascript:alert(1)\"></object>", "<p></p>\n"},
		{"embed", "<embed src=\"javascript:alert(1)\">", ""},
		{"unclosed img", "<img src=x onerror=alert(1)//", "<p>&lt;img src=x onerror=alert(1)//</p>\n"},
		{"doubled open bracket", "<<script>script>alert(1)<</script>/script>", "<p>«script&gt;script&gt;alert(1)«/script&gt;/script&gt;</p>\n"},
		{"split script tag", "<scr<script>ipt>alert(1)</scr</script>ipt>", "<p>&lt;script&gt;</p>\n"},
		{"markdown link javascript", "[x](javascript:alert(1))", "<p>x</p>\n"},
		{"markdown image javascript", "![x](javascript:alert(1))", "<p><img alt=\"x\"></p>\n"},
		{"markdown angle link javascript", "[x](<javascript:alert(1)>)", "<p>x</p>\n"},
		{"markdown link entity scheme", "[x](&#106;avascript:alert(1))", "<p>x</p>\n"},
		{"markdown link data html", "[x](data:text/html;base64,PHNjcmlwdD4=)", "<p>x</p>\n"},
		{"markdown reference link", "[x][r]\n\n[r]: javascript:alert(1)", "<p>x</p>\n"},
		{"markdown link title breakout", "[x](https://example.com \"\\\"><script>alert(1)</script>\")", "<p><a href=\"https://example.com\" rel=\"nofollow noreferrer\">x</a></p>\n"},
		{"autolink javascript", "<javascript:alert(1)>", "<p>javascript:alert(1)</p>\n"},
		// A page may be called "javascript:alert(1)"; its URL is a path.
		{"wikilink javascript", "[[javascript:alert(1)]]", "<p><a href=\"/javascript:alert%281%29\" class=\"wikilink\">javascript:alert(1)</a></p>\n"},
		{"wikilink html label", "[[x|<img src=x onerror=alert(1)>]]", "<p><a href=\"/x\" class=\"wikilink\">&lt;img src=x onerror=alert(1)&gt;</a></p>\n"},
		{"wikilink quote in target", "[[a\" onmouseover=\"alert(1)]]", "<p><a href=\"/a%22%20onmouseover=%22alert%281%29\" class=\"wikilink\">a&#34; onmouseover=&#34;alert(1)</a></p>\n"},
		{"a target blank", "<a href=\"https://example.com\" target=\"_blank\">x</a>", "<p><a href=\"https://example.com\" rel=\"nofollow noreferrer\">x</a></p>\n"},
		{"a rel opener", "<a href=\"/x\" rel=\"opener\" ping=\"https://evil.example/\">x</a>", "<p><a href=\"/x\">x</a></p>\n"},
		{"details ontoggle", "<details open ontoggle=alert(1)><summary>s</summary>d</details>", "<details open=\"\"><summary>s</summary>d</details>"},
		{"noscript breakout", "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>", "<p><img src=\"x\">&#34;&gt;</p>\n"},
		{"template", "<template><script>alert(1)</script></template>", "<p></p>\n"},
		{"textarea", "<textarea><script>alert(1)</script></textarea>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"xmp", "<xmp><img src=x onerror=alert(1)></xmp>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n"},
		{"comment trick", "<!--><img src=x onerror=alert(1)>-->", "<img src=\"x\">--&gt;"},
		{"conditional comment", "<!--[if IE]><script>alert(1)</script><![endif]-->", ""},
		{"title attribute breakout", "<a title=\"&quot;><script>alert(1)</script>\">x</a>", "<p>x</p>\n"},
		// UGCPolicy allows id on every element with an unanchored pattern;
		// the value stays one quoted attribute.
		{"heading id injection", "<h2 id=\"x onmouseover=alert(1)\">t</h2>", "<h2 id=\"x onmouseover=alert(1)\">t</h2>"},
		{"heading id with quotes", "<h2 id='\"><script>'>t</h2>", "<h2 id=\"&#34;&gt;&lt;script&gt;\">t</h2>"},
		{"class outside the allowed set", "<span class=\"kd onclick\">x</span><a href=\"/\" class=\"missing anchor\">y</a>", "<p><span>x</span><a href=\"/\">y</a></p>\n"},
		{"pre style", "<pre class=\"chroma\" style=\"color:red\">x</pre>", "<pre tabindex=\"0\" class=\"chroma\">x</pre>"},
		{"anchor attributes beyond the allowed values", "<a href=\"#x\" aria-hidden=\"false\" tabindex=\"5\">x</a>", "<p><a href=\"#x\">x</a></p>\n"},
		{"img srcset", "<img src=\"x.png\" srcset=\"javascript:alert(1) 1x\">", "<img src=\"x.png\">"},
		{"picture source", "<picture><source srcset=\"javascript:alert(1)\"></picture>", "<p></p>\n"},
		{"video poster", "<video poster=\"javascript:alert(1)\"></video>", "<p></p>\n"},
		{"audio onerror", "<audio src=x onerror=alert(1)>", ""},
		{"marquee onstart", "<marquee onstart=alert(1)>x</marquee>", "<p>x</p>\n"},
		{"area href", "<map name=\"m\"><area href=\"javascript:alert(1)\" alt=\"a\"></map>", "<p><map name=\"m\"><area alt=\"a\"></map></p>\n"},
		{"blockquote cite", "<blockquote cite=\"javascript:alert(1)\">q</blockquote>", "<blockquote>q</blockquote>"},
		{"editor macro placeholder", "<img class=\"editor-inline-macro\" data-macro-name=\"toc\" src=\"/plugins/macro\">", ""},
		{"fenced code html", "```html\n<script>alert(1)</script>\n```", "<pre tabindex=\"0\" class=\"chroma\"><code><span class=\"line\"><span class=\"cl\"><span class=\"p\">&lt;</span><span class=\"nt\">script</span><span class=\"p\">&gt;</span><span class=\"nx\">alert</span><span class=\"p\">(</span><span class=\"mi\">1</span><span class=\"p\">)&lt;/</span><span class=\"nt\">script</span><span class=\"p\">&gt;</span>\n</span></span></code></pre>\n"},
		{"fenced info breakout", "```\"><script>alert(1)</script>\nx\n```", "<pre tabindex=\"0\"><code>x\n</code></pre>\n"},
		{"linkify quote", "www.example.com/\"onmouseover=\"alert(1)", "<p><a href=\"http://www.example.com/%22onmouseover=%22alert(1)\" class=\"url\" rel=\"nofollow noreferrer\">www.example.com/&#34;onmouseover=&#34;alert(1)</a></p>\n"},
	}
	seen := map[string]bool{}
	for _, tc := range tests {
		if seen[tc.name] {
			t.Fatalf("duplicate test name %q", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			got := string(r.Render([]byte(tc.in), Context{Page: "p", File: "p.md"}).HTML)
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if err := checkSafeHTML(got); err != nil {
				t.Error(err)
			}
		})
	}
	if len(tests) < 60 {
		t.Errorf("only %d vectors", len(tests))
	}
}
