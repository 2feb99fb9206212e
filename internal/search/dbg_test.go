package search

import ("testing"; "os"; "os/exec"; "path/filepath")

func TestDbg(t *testing.T) {
	w := newWiki(t, fixtureWiki)
	w.sync()
	dir, ex := exportTo(t, w)
	os.WriteFile(filepath.Join(dir, "main.txt"), []byte(ex.Main), 0o644)
	out, _ := exec.Command("bash", "-c", "cp -r "+dir+" /tmp/fixture-export").CombinedOutput()
	t.Log(string(out), ex.Main)
}
